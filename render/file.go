// Package render holds what every renderer (render/…) hands back: files for the output
// directory.
package render

import "io/fs"

// File is one output file.
type File struct {
	// Path is slash-separated and relative to the output directory (or to the renderer's own
	// directory in it, such as packer/).
	Path string
	// Data is the file's content.
	Data []byte
	// Mode is 0600 for files holding secrets, 0755 for scripts, 0644 otherwise.
	Mode fs.FileMode
}
