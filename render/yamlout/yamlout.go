// Package yamlout marshals typed values as the YAML mesosimg writes: yaml.v3,
// two-space indentation, multi-line strings as literal blocks, and strings that
// YAML 1.1 readers (PyYAML, cloud-init) would take for numbers or booleans quoted.
package yamlout

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// Marshal encodes v as one YAML document.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
