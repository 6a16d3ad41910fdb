// Command mesosimg renders per-node first-boot configuration (cloud-init
// NoCloud files, seed images, Packer templates) for Apache Mesos clusters from
// one cluster description. See README.md.
package main

import (
	"os"

	"github.com/mesosimg/mesosimg/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
}
