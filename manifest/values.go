package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"strconv"
)

// Digest is a SHA-256 digest, written in JSON as 64 lower-case hex digits.
type Digest [sha256.Size]byte

// Sum is the SHA-256 digest of data.
func Sum(data []byte) Digest { return sha256.Sum256(data) }

// String is the digest in lower-case hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText writes the digest in lower-case hex.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads 64 hex digits.
func (d *Digest) UnmarshalText(b []byte) error {
	if len(b) != 2*sha256.Size {
		return fmt.Errorf("a SHA-256 digest is %d hex digits, not %q", 2*sha256.Size, b)
	}
	if _, err := hex.Decode(d[:], b); err != nil {
		return fmt.Errorf("a SHA-256 digest is %d hex digits, not %q", 2*sha256.Size, b)
	}
	return nil
}

// Mode is a file's permission bits, written in JSON as an octal string such as "0644".
type Mode fs.FileMode

// String is the mode as four octal digits.
func (m Mode) String() string { return fmt.Sprintf("%04o", fs.FileMode(m).Perm()) }

// MarshalText writes the mode as four octal digits.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads permission bits written in octal (e.g. "0644").
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := strconv.ParseUint(string(b), 8, 32)
	if err != nil || len(b) < 3 || v > 0o777 {
		return fmt.Errorf("a mode is octal permission bits such as \"0644\", not %q", b)
	}
	*m = Mode(v)
	return nil
}
