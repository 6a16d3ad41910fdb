// Command seedtime does what cloud-localds does, with mesosimg's seed writer, for every node
// directory under a rendered output: read user-data, meta-data and network-config, write
// seed.iso beside them. It prints the nanoseconds spent per seed (used by scripts/bench-seeds.sh).
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mesosimg/mesosimg/generator"
	"github.com/mesosimg/mesosimg/seed"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: seedtime OUT/nodes")
		os.Exit(2)
	}
	dirs, err := filepath.Glob(filepath.Join(os.Args[1], "*"))
	if err != nil || len(dirs) == 0 {
		fmt.Fprintf(os.Stderr, "seedtime: no node directories in %s\n", os.Args[1])
		os.Exit(1)
	}
	start := time.Now()
	for _, dir := range dirs {
		var files []seed.File
		for _, name := range []string{"meta-data", "network-config", "user-data"} {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				fmt.Fprintln(os.Stderr, "seedtime:", err)
				os.Exit(1)
			}
			files = append(files, seed.File{Name: name, Data: data})
		}
		var b bytes.Buffer
		if err := seed.WriteISO(&b, files, seed.Options{Label: generator.SeedLabel, ModTime: generator.DefaultEpoch}); err != nil {
			fmt.Fprintln(os.Stderr, "seedtime:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(filepath.Join(dir, "seed.iso"), b.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "seedtime:", err)
			os.Exit(1)
		}
	}
	fmt.Println(time.Since(start).Nanoseconds() / int64(len(dirs)))
}
