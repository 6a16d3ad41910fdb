package seed

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// File is one file placed in the root directory of a seed image.
type File struct {
	Name string // base name, e.g. "user-data"; see ValidateName for the rules
	Data []byte // contents, at most MaxFileSize bytes
}

// Options control image metadata.
type Options struct {
	Label   string    // volume label, e.g. "cidata"
	ModTime time.Time // every timestamp in the image (callers pass SOURCE_DATE_EPOCH or a fixed epoch)
}

// WriteFunc is the signature of WriteISO and WriteFAT, for callers that pick the format at run time.
type WriteFunc func(w io.Writer, files []File, opts Options) error

// AppendFunc is the signature of AppendISO and AppendFAT, which build the image in memory.
type AppendFunc func(dst []byte, files []File, opts Options) ([]byte, error)

var (
	_ WriteFunc  = WriteISO
	_ WriteFunc  = WriteFAT
	_ AppendFunc = AppendISO
	_ AppendFunc = AppendFAT
)

// Limits shared by both formats. They are deliberately far below what the
// formats allow: a NoCloud seed holds a handful of small text files.
const (
	// MaxNameLen is the longest file name accepted, in bytes (the Joliet limit of 64 UCS-2 characters;
	// it also keeps every ISO 9660 directory record with Rock Ridge fields under 255 bytes).
	MaxNameLen = 64
	// MaxFileSize is the largest single file accepted: 64 MiB (ISO 9660 would allow 4 GiB-1 in one extent).
	MaxFileSize = 64 << 20
	// MaxTotalSize is the largest sum of all file sizes accepted: 256 MiB.
	MaxTotalSize = 256 << 20
	// MaxFiles is the largest number of files accepted in one image.
	MaxFiles = 256
)

// Errors returned by WriteISO and WriteFAT; the returned error wraps one of
// them (test with errors.Is) and names the offending file, label or value.
var (
	// ErrNoFiles means the file list was empty.
	ErrNoFiles = errors.New("seed: no files given")
	// ErrTooManyFiles means more than MaxFiles files were given.
	ErrTooManyFiles = errors.New("seed: too many files")
	// ErrInvalidName means a file name is empty, too long, reserved or uses a character outside the portable set.
	ErrInvalidName = errors.New("seed: invalid file name")
	// ErrDuplicateName means two files have the same name, compared case-insensitively.
	ErrDuplicateName = errors.New("seed: duplicate file name")
	// ErrFileTooLarge means one file exceeds MaxFileSize or all files together exceed MaxTotalSize.
	ErrFileTooLarge = errors.New("seed: file too large")
	// ErrInvalidLabel means the volume label is empty, too long or uses a character the format does not allow.
	ErrInvalidLabel = errors.New("seed: invalid volume label")
	// ErrInvalidTime means Options.ModTime cannot be represented in the format (this includes the zero time).
	ErrInvalidTime = errors.New("seed: invalid modification time")
)

// ValidateName reports whether name may be used as a seed file name in both
// formats. Allowed: 1 to MaxNameLen characters from the POSIX portable set
// A-Z a-z 0-9 . _ - ; not made only of dots and not ending in a dot (Windows,
// Joliet and VFAT drop trailing dots).
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty name", ErrInvalidName)
	}
	if len(name) > MaxNameLen {
		return fmt.Errorf("%w %q: %d bytes long, the limit is %d", ErrInvalidName, name, len(name), MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			return fmt.Errorf("%w %q: contains '/' (only files in the root directory are supported)", ErrInvalidName, name)
		case c == 0:
			return fmt.Errorf("%w %q: contains a NUL byte", ErrInvalidName, name)
		case !portable(c):
			return fmt.Errorf("%w %q: contains %q at byte %d; allowed are A-Z a-z 0-9 . _ -", ErrInvalidName, name, c, i)
		}
	}
	if strings.Trim(name, ".") == "" {
		return fmt.Errorf("%w %q: reserved name", ErrInvalidName, name)
	}
	if name[len(name)-1] == '.' {
		return fmt.Errorf("%w %q: ends with '.'", ErrInvalidName, name)
	}
	return nil
}

func portable(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

// checkFiles validates the file list and returns a copy sorted by name, so
// the image does not depend on the order of the caller's slice.
func checkFiles(files []File) ([]File, error) {
	if len(files) == 0 {
		return nil, ErrNoFiles
	}
	if len(files) > MaxFiles {
		return nil, fmt.Errorf("%w: %d files, the limit is %d", ErrTooManyFiles, len(files), MaxFiles)
	}
	seen := make(map[string]string, len(files))
	total := 0
	for _, f := range files {
		if err := ValidateName(f.Name); err != nil {
			return nil, err
		}
		key := strings.ToLower(f.Name)
		if prev, ok := seen[key]; ok {
			if prev == f.Name {
				return nil, fmt.Errorf("%w %q", ErrDuplicateName, f.Name)
			}
			return nil, fmt.Errorf("%w %q: clashes with %q (names are compared case-insensitively)", ErrDuplicateName, f.Name, prev)
		}
		seen[key] = f.Name
		if len(f.Data) > MaxFileSize {
			return nil, fmt.Errorf("%w: %q is %d bytes, the limit is %d (64 MiB)", ErrFileTooLarge, f.Name, len(f.Data), MaxFileSize)
		}
		total += len(f.Data)
		if total > MaxTotalSize {
			return nil, fmt.Errorf("%w: files add up to more than %d bytes (256 MiB)", ErrFileTooLarge, MaxTotalSize)
		}
	}
	sorted := make([]File, len(files))
	copy(sorted, files)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	return sorted, nil
}

// checkLabel validates a label of 1 to maxLen bytes whose bytes all satisfy ok.
func checkLabel(label string, maxLen int, format, allowed string, ok func(byte) bool) error {
	if label == "" {
		return fmt.Errorf("%w: empty (NoCloud expects \"cidata\")", ErrInvalidLabel)
	}
	if len(label) > maxLen {
		return fmt.Errorf("%w %q: %d characters, %s allows at most %d", ErrInvalidLabel, label, len(label), format, maxLen)
	}
	for i := 0; i < len(label); i++ {
		if !ok(label[i]) {
			return fmt.Errorf("%w %q: contains %q; %s labels may use %s", ErrInvalidLabel, label, label[i], format, allowed)
		}
	}
	return nil
}

// checkTime returns t in UTC, truncated to whole seconds, or an error if its
// year is outside [minYear, maxYear].
func checkTime(t time.Time, minYear, maxYear int, format string) (time.Time, error) {
	u := t.UTC().Truncate(time.Second)
	if u.Year() < minYear || u.Year() > maxYear {
		return time.Time{}, fmt.Errorf("%w: %s is outside the years %d to %d that %s can record (pass SOURCE_DATE_EPOCH or a fixed time)",
			ErrInvalidTime, t.UTC().Format(time.RFC3339), minYear, maxYear, format)
	}
	return u, nil
}

// zeros is a shared source of padding bytes.
var zeros [32 << 10]byte

// sink coalesces the small writes that make up an image into few large
// writes to w: bytes are gathered in buf and large payloads go straight to w.
// Without w, the image is appended to a buffer that has room for all of it.
type sink struct {
	w   io.Writer
	buf []byte
	err error
}

// newSink makes a sink of an image of size bytes: to w, or else appended to dst.
func newSink(w io.Writer, dst []byte, size int64) *sink {
	if w == nil {
		if int64(cap(dst)-len(dst)) < size {
			b := make([]byte, len(dst), int64(len(dst))+size)
			copy(b, dst)
			dst = b
		}
		return &sink{buf: dst}
	}
	return &sink{w: w, buf: make([]byte, 0, min(size, 1<<20))}
}

func (s *sink) flush() {
	if s.w == nil {
		return
	}
	if s.err == nil && len(s.buf) > 0 {
		_, s.err = s.w.Write(s.buf)
	}
	s.buf = s.buf[:0]
}

func (s *sink) write(p []byte) {
	if s.err != nil {
		return
	}
	if s.w == nil || len(s.buf)+len(p) <= cap(s.buf) {
		s.buf = append(s.buf, p...)
		return
	}
	s.flush()
	if len(p) >= cap(s.buf) {
		if s.err == nil {
			_, s.err = s.w.Write(p)
		}
		return
	}
	s.buf = append(s.buf, p...)
}

// reserve returns n zeroed bytes at the current position for the caller to fill in.
func (s *sink) reserve(n int) []byte {
	if s.w != nil && len(s.buf)+n > cap(s.buf) {
		s.flush()
		if n > cap(s.buf) {
			s.buf = make([]byte, 0, n)
		}
	}
	start := len(s.buf)
	s.buf = slices.Grow(s.buf, n)[:start+n]
	b := s.buf[start:]
	clear(b)
	return b
}

func (s *sink) pad(n int64) {
	if s.w == nil && int64(len(s.buf))+n <= int64(cap(s.buf)) {
		start := len(s.buf)
		s.buf = s.buf[:int64(start)+n]
		clear(s.buf[start:])
		return
	}
	for n > 0 && s.err == nil {
		k := int64(len(zeros))
		if n < k {
			k = n
		}
		s.write(zeros[:k])
		n -= k
	}
}

func (s *sink) close() ([]byte, error) {
	s.flush()
	if s.err != nil {
		return nil, fmt.Errorf("seed: writing image: %w", s.err)
	}
	if s.w != nil {
		return nil, nil
	}
	return s.buf, nil
}
