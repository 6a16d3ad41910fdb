// Command cmd regenerates docs/description.md and docs/cluster.schema.json from the sources of
// config/v1, and docs/manifest.md from manifest/ (run from anywhere in the repository, or by
// go generate ./internal/docgen, or make docs).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/mesosimg/mesosimg/internal/docgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := repositoryRoot()
	if err != nil {
		return err
	}
	pkg := filepath.Join(root, "config", "v1")
	src, err := os.ReadFile(filepath.Join(pkg, "types.go"))
	if err != nil {
		return err
	}
	ref, err := docgen.Reference(src, "Cluster")
	if err != nil {
		return err
	}
	schema, err := docgen.Schema(os.DirFS(pkg))
	if err != nil {
		return err
	}
	msrc, err := os.ReadFile(filepath.Join(root, "manifest", "manifest.go"))
	if err != nil {
		return err
	}
	mref, err := docgen.ManifestReference(msrc)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{"description.md": ref, "cluster.schema.json": schema, "manifest.md": mref} {
		if err := os.WriteFile(filepath.Join(root, "docs", name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// repositoryRoot is the nearest directory at or above the working directory holding go.mod.
func repositoryRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory: run it inside the repository")
		}
		dir = parent
	}
}
