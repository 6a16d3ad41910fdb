package seed

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var sentinels = []error{ErrNoFiles, ErrTooManyFiles, ErrInvalidName, ErrDuplicateName, ErrFileTooLarge, ErrInvalidLabel, ErrInvalidTime}

// fuzzFiles turns fuzzer input into files: one per line of names, data split evenly among them.
func fuzzFiles(names string, data []byte) []File {
	if names == "" {
		return nil
	}
	parts := strings.Split(names, "\n")
	files := make([]File, len(parts))
	for i, n := range parts {
		files[i] = File{Name: n, Data: data[i*len(data)/len(parts) : (i+1)*len(data)/len(parts)]}
	}
	return files
}

// fuzzWrite runs one format on fuzzer input and checks the outcome: either a
// documented error with nothing written, or an image the test reader parses
// back to exactly the input.
// The image size must be a multiple of unit; each file occupies at least its size rounded up to alloc.
func fuzzWrite(t *testing.T, f format, label, names string, data []byte, unix int64, unit, alloc int) []byte {
	files := fuzzFiles(names, data)
	opts := Options{Label: label, ModTime: time.Unix(unix, 0)}
	var b bytes.Buffer
	err := f.write(&b, files, opts)
	img, imgErr := f.image(bytes.Repeat([]byte{0xA5}, 64<<10)[:0], files, opts) // a used buffer
	if (err == nil) != (imgErr == nil) || err != nil && err.Error() != imgErr.Error() || !bytes.Equal(img, b.Bytes()) {
		t.Fatalf("in memory: %d bytes, error %v; written: %d bytes, error %v", len(img), imgErr, b.Len(), err)
	}
	if err != nil {
		known := false
		for _, s := range sentinels {
			known = known || errors.Is(err, s)
		}
		if !known || !strings.HasPrefix(err.Error(), "seed: ") {
			t.Fatalf("undocumented error: %v", err)
		}
		if b.Len() != 0 {
			t.Fatalf("%d bytes written before error %v", b.Len(), err)
		}
		return nil
	}
	if len(img) == 0 || len(img)%unit != 0 {
		t.Fatalf("image size %d is not a positive multiple of %d", len(img), unit)
	}
	payload := 0
	for _, fl := range files {
		payload += (len(fl.Data) + alloc - 1) / alloc * alloc
	}
	if len(img) < payload {
		t.Fatalf("image of %d bytes cannot hold %d bytes of file data", len(img), payload)
	}
	got, gotLabel, mt, err := f.parse(img)
	if err != nil {
		t.Fatalf("written image does not parse: %v", err)
	}
	if diff := cmp.Diff(fileMap(files), got, cmp.Comparer(bytes.Equal)); diff != "" {
		t.Fatalf("files differ (-want +got):\n%s", diff)
	}
	if gotLabel != label {
		t.Fatalf("label %q, want %q", gotLabel, label)
	}
	if !mt.Equal(opts.ModTime) {
		t.Fatalf("time %v, want %v", mt, opts.ModTime)
	}
	return img
}

func FuzzWriteISO(f *testing.F) {
	s := typicalSeed(1)
	f.Add("cidata", "user-data\nmeta-data\nnetwork-config", append(append(append([]byte{}, s[0].Data...), s[1].Data...), s[2].Data...), epoch.Unix())
	f.Fuzz(func(t *testing.T, label, names string, data []byte, unix int64) {
		img := fuzzWrite(t, formats[0], label, names, data, unix, isoBlock, isoBlock)
		if img != nil && len(img) < isoMinBlocks*isoBlock {
			t.Fatalf("image of %d bytes is below the %d-block minimum", len(img), isoMinBlocks)
		}
	})
}

func FuzzWriteFAT(f *testing.F) {
	s := typicalSeed(1)
	f.Add("cidata", "user-data\nmeta-data\nnetwork-config", append(append(append([]byte{}, s[0].Data...), s[1].Data...), s[2].Data...), epoch.Unix())
	f.Fuzz(func(t *testing.T, label, names string, data []byte, unix int64) {
		fuzzWrite(t, formats[1], label, names, data, unix, fatTrack*fatSector, fatSector)
	})
}
