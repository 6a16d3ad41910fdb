// Command cmd regenerates docs/description.md from config/v1/types.go (run from the repository root).
package main

import (
	"fmt"
	"os"

	"github.com/mesosimg/mesosimg/internal/docgen"
)

func main() {
	src, err := os.ReadFile("config/v1/types.go")
	if err == nil {
		var out []byte
		if out, err = docgen.Reference(src, "Cluster"); err == nil {
			err = os.WriteFile("docs/description.md", out, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		os.Exit(1)
	}
}
