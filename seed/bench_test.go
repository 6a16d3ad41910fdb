package seed

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// One typical seed (user-data ~4 KiB, meta-data ~60 B, network-config ~300 B) written to memory.
func BenchmarkWriteISO(b *testing.B) { benchOne(b, WriteISO) }

// One typical seed as a FAT image.
func BenchmarkWriteFAT(b *testing.B) { benchOne(b, WriteFAT) }

// 10,000 distinct seeds per iteration; ns/seed is the figure to compare with the 0.4 ms target.
func BenchmarkWriteISO10000(b *testing.B) { benchMany(b, WriteISO, 10000) }

// 10,000 distinct FAT seeds per iteration.
func BenchmarkWriteFAT10000(b *testing.B) { benchMany(b, WriteFAT, 10000) }

func benchOne(b *testing.B, write WriteFunc) {
	files := typicalSeed(1)
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := write(&buf, files, cidata); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(buf.Len()))
}

func benchMany(b *testing.B, write WriteFunc, n int) {
	seeds := make([][]File, n)
	for i := range seeds {
		seeds[i] = typicalSeed(i)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		for _, files := range seeds {
			buf.Reset()
			if err := write(&buf, files, cidata); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/seed")
}

// The baseline the package replaces: cloud-localds (genisoimage) for the same seed,
// including its temporary files. Requires cloud-image-utils.
func BenchmarkCloudLocaldsBaseline(b *testing.B) {
	bin, err := exec.LookPath("cloud-localds")
	if err != nil {
		b.Fatalf("cloud-localds not found (%v): install with: apt-get install cloud-image-utils genisoimage", err)
	}
	dir := b.TempDir()
	files := typicalSeed(1)
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	out := filepath.Join(dir, "seed.iso")
	args := []string{"--network-config=" + paths[2], out, paths[0], paths[1]}
	for b.Loop() {
		if msg, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			b.Fatalf("cloud-localds: %v\n%s", err, msg)
		}
	}
}
