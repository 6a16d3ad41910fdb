package docgen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

// ManifestRoot is the type docs/manifest.md starts from.
const ManifestRoot = "Manifest"

// manifestKey is one documented key of the manifest.
type manifestKey struct {
	path, kind, presence, doc string
}

// ManifestReference renders the markdown reference of the render manifest (docs/manifest.md)
// from the Go source of package manifest's types (manifest/manifest.go) and their doc comments.
func ManifestReference(src []byte) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "manifest.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	structs, docs := collectTypes(f)
	if structs[ManifestRoot] == nil {
		return nil, fmt.Errorf("no struct type %s", ManifestRoot)
	}
	var out []manifestKey
	var walk func(prefix, typ string, depth int) error
	walk = func(prefix, typ string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("types nest too deep at %s", prefix)
		}
		for _, fl := range structs[typ].Fields.List {
			if len(fl.Names) == 0 || !fl.Names[0].IsExported() {
				continue
			}
			if fl.Tag == nil {
				return fmt.Errorf("%s.%s has no json tag", typ, fl.Names[0].Name)
			}
			name, opts, _ := strings.Cut(reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				return fmt.Errorf("%s.%s has no json key", typ, fl.Names[0].Name)
			}
			doc := strings.Join(strings.Fields(fl.Doc.Text()), " ")
			if doc == "" {
				return fmt.Errorf("%s.%s has no doc comment", typ, fl.Names[0].Name)
			}
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			kind, elem, list := manifestKind(fl.Type)
			if list {
				path += "[]"
			}
			presence := "always"
			if strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,") {
				presence = "optional"
			}
			out = append(out, manifestKey{path: path, kind: kind, presence: presence, doc: doc})
			if structs[elem] != nil {
				if err := walk(path, elem, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("", ManifestRoot, 0); err != nil {
		return nil, err
	}
	intro, ok := strings.CutPrefix(strings.TrimSpace(f.Doc.Text()), "Package manifest is ")
	if !ok {
		return nil, fmt.Errorf("the package comment does not start with \"Package manifest is \"")
	}
	var b bytes.Buffer
	b.WriteString("# Render manifest reference (mesosimg-manifest/v1)\n\n")
	b.WriteString("Generated from the doc comments of `manifest/manifest.go` by `make docs` (go run ./internal/docgen/cmd); ")
	b.WriteString("do not edit (a test keeps it current). An example: `testdata/golden/example-two-node/manifest.json`.\n\n")
	b.WriteString("The manifest is " + intro + "\n\n")
	b.WriteString(docs[ManifestRoot] + "\n\n")
	b.WriteString("| key | type | present | meaning |\n| --- | --- | --- | --- |\n")
	for _, k := range out {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", k.path, k.kind, k.presence, strings.ReplaceAll(k.doc, "|", "\\|"))
	}
	return b.Bytes(), nil
}

// manifestKind names a field's JSON type for readers and returns the struct type to descend into.
func manifestKind(e ast.Expr) (kind, elem string, list bool) {
	switch t := e.(type) {
	case *ast.StarExpr:
		return manifestKind(t.X)
	case *ast.ArrayType:
		if id, ok := t.Elt.(*ast.Ident); ok && id.Name == "Digest" {
			return "list of SHA-256 digests (64 hex digits each)", "", false
		}
		k, el, _ := manifestKind(t.Elt)
		if el != "" {
			return "list of objects", el, true
		}
		return "list of " + k + "s", "", false
	case *ast.MapType:
		k, _, _ := manifestKind(t.Value)
		return "object of " + k + "s", "", false
	case *ast.Ident:
		switch t.Name {
		case "string":
			return "string", "", false
		case "int", "int64":
			return "integer", "", false
		case "bool":
			return "boolean", "", false
		case "Digest":
			return "SHA-256 (64 hex digits)", "", false
		case "Mode":
			return "octal string", "", false
		}
		return "object", t.Name, false
	}
	return "value", "", false
}
