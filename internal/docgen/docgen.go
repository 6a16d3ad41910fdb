// Package docgen writes the reference of the description format (docs/description.md) and
// its JSON Schema (docs/cluster.schema.json) from the config/v1 types and their doc comments,
// so neither is ever written by hand.
package docgen

//go:generate go run ./cmd

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

// field is one documented key of the description.
type field struct {
	path, kind, doc string
}

// Reference renders the markdown reference of the types in the Go source src,
// starting at type root.
func Reference(src []byte, root string) ([]byte, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	types, typeDocs := collectTypes(f)
	if types[root] == nil {
		return nil, fmt.Errorf("no struct type %s", root)
	}
	var fields []field
	var walk func(prefix, typ string, depth int) error
	walk = func(prefix, typ string, depth int) error {
		if depth > 8 {
			return fmt.Errorf("types nest too deep at %s", prefix)
		}
		members, err := yamlFields(types, typ)
		if err != nil {
			return err
		}
		for _, m := range members {
			path := m.name
			if prefix != "" {
				path = prefix + "." + m.name
			}
			kind, elem, list := describe(m.expr)
			if list {
				path += "[]"
			}
			fields = append(fields, field{path: path, kind: kind, doc: m.doc})
			if types[elem] != nil {
				if err := walk(path, elem, depth+1); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk("", root, 0); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("# Cluster description reference (version 1)\n\n")
	b.WriteString("Generated from the doc comments of `config/v1/types.go` by `go run ./internal/docgen/cmd`; ")
	b.WriteString("do not edit (a test keeps it current).\n\n")
	b.WriteString(typeDocs[root] + "\n\n")
	b.WriteString("| key | type | meaning |\n| --- | --- | --- |\n")
	for _, f := range fields {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.path, f.kind, strings.ReplaceAll(f.doc, "|", "\\|"))
	}
	return b.Bytes(), nil
}

// collectTypes indexes the struct types declared in files, with their doc comments.
func collectTypes(files ...*ast.File) (types map[string]*ast.StructType, docs map[string]string) {
	types, docs = map[string]*ast.StructType{}, map[string]string{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if st, ok := ts.Type.(*ast.StructType); ok {
					types[ts.Name.Name] = st
					docs[ts.Name.Name] = strings.TrimSpace(gd.Doc.Text())
				}
			}
		}
	}
	return types, docs
}

// yamlField is one field of a struct that a description can set: its yaml key, doc comment
// (on one line) and Go type.
type yamlField struct {
	name, doc string
	expr      ast.Expr
}

// yamlFields lists the yaml-tagged fields of struct type typ, failing on one without a doc comment.
func yamlFields(types map[string]*ast.StructType, typ string) ([]yamlField, error) {
	var out []yamlField
	for _, fl := range types[typ].Fields.List {
		if fl.Tag == nil || len(fl.Names) == 0 {
			continue
		}
		tag := reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("yaml")
		name, _, _ := strings.Cut(tag, ",")
		if name == "" || name == "-" {
			continue
		}
		doc := strings.Join(strings.Fields(fl.Doc.Text()), " ")
		if doc == "" {
			return nil, fmt.Errorf("%s.%s has no doc comment", typ, fl.Names[0].Name)
		}
		out = append(out, yamlField{name: name, doc: doc, expr: fl.Type})
	}
	return out, nil
}

// describe names a field's type for readers and returns the struct type to descend into.
func describe(e ast.Expr) (kind, elem string, list bool) {
	switch t := e.(type) {
	case *ast.StarExpr:
		return describe(t.X)
	case *ast.ArrayType:
		k, el, _ := describe(t.Elt)
		if el != "" {
			return "list of mappings", el, true
		}
		return "list of " + k + "s", "", false
	case *ast.MapType:
		_, _, _ = describe(t.Value)
		return "mapping of strings", "", false
	case *ast.Ident:
		switch t.Name {
		case "string":
			return "string", "", false
		case "int":
			return "integer", "", false
		case "bool":
			return "true/false", "", false
		}
		return "mapping", t.Name, false
	}
	return "value", "", false
}
