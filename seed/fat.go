package seed

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"
	"strings"
	"time"
)

// FAT layout written by WriteFAT (512-byte sectors, no partition table):
//
//	sector 0       boot sector with BPB (jump, OEM "MSWIN4.1", EBPB with label and serial, 0x55AA)
//	1..            FAT #1, then FAT #2 (identical)
//	...            root directory: the volume label entry, then per file its VFAT long
//	               name entries and its 8.3 entry (always a long name, so case is kept)
//	...            data clusters, one contiguous chain per file
//
// The type follows from the cluster count as the FAT specification demands:
// FAT12 (at most 4084 clusters of up to 4 KiB, i.e. every realistic seed),
// otherwise FAT16. The total sector count is a multiple of the 16 sectors
// per track declared in the BPB, so mtools' geometry check passes.
const (
	fatSector      = 512
	fatMinYear     = 1980
	fatMaxYear     = 2107
	fatLabelMax    = 11
	fatTrack       = 16 // sectors per track (2 heads), as mkfs.fat picks for small images
	fat12MaxClus   = 4084
	fat16MinClus   = 4085
	fat16MaxClus   = 65524
	fat12MaxSPC    = 8 // FAT12 up to 4 KiB clusters, larger seeds get FAT16
	fatMaxSPC      = 64
	fatDirEntry    = 32
	attrVolumeID   = 0x08
	attrArchive    = 0x20
	attrLongName   = 0x0F
	lfnCharsPerEnt = 13
)

func fatLabelChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

type fatFile struct {
	File
	short   [11]byte // 8.3 name, space padded
	cluster uint32   // first cluster (0 for an empty file)
}

// fatLayout describes the geometry chosen for a set of files.
type fatLayout struct {
	bits        int // 12 or 16
	spc         int // sectors per cluster
	fatSectors  int // per FAT
	rootEntries int
	total       int // sectors
	clusters    int // data clusters
}

func (l fatLayout) rootSectors() int { return l.rootEntries * fatDirEntry / fatSector }
func (l fatLayout) dataStart() int   { return 1 + 2*l.fatSectors + l.rootSectors() }

// WriteFAT writes a FAT filesystem image (FAT12 for small seeds, FAT16 above ~16 MiB) labelled opts.Label holding files in its root directory, with VFAT long file names.
//
// opts.Label may use A-Z a-z 0-9 _ - and at most 11 characters (it is
// stored as given, like mkfs.fat -n cidata does); opts.ModTime must fall in
// the years 1980 to 2107 and is stored as UTC. The volume serial number is
// a CRC-32 of the label, time, names and contents, so it is stable for
// identical input. Nothing is written if validation fails.
func WriteFAT(w io.Writer, files []File, opts Options) error {
	_, err := writeFAT(w, nil, files, opts)
	return err
}

// AppendFAT appends the image WriteFAT writes to dst (allocating, at the image's size, only
// when dst lacks the room) and returns the extended buffer; dst's old content past its length
// does not matter.
func AppendFAT(dst []byte, files []File, opts Options) ([]byte, error) {
	return writeFAT(nil, dst, files, opts)
}

// writeFAT writes the image to w, or appends it to dst when w is nil.
func writeFAT(w io.Writer, dst []byte, files []File, opts Options) ([]byte, error) {
	sorted, err := checkFiles(files)
	if err != nil {
		return nil, err
	}
	if err := checkLabel(opts.Label, fatLabelMax, "FAT", "A-Z a-z 0-9 _ -", fatLabelChar); err != nil {
		return nil, err
	}
	mt, err := checkTime(opts.ModTime, fatMinYear, fatMaxYear, "FAT")
	if err != nil {
		return nil, err
	}

	fs := fatNames(sorted)
	entries := 1 // volume label
	for _, f := range fs {
		entries += 1 + lfnEntries(f.Name)
	}
	l, err := planFAT(fs, entries)
	if err != nil {
		return nil, err
	}

	clusterBytes := l.spc * fatSector
	next := uint32(2)
	for i := range fs {
		if n := len(fs[i].Data); n > 0 {
			fs[i].cluster = next
			next += uint32((n + clusterBytes - 1) / clusterBytes)
		}
	}

	s := newSink(w, dst, int64(l.total)*fatSector)
	hdr := s.reserve(l.dataStart() * fatSector)
	fdate, ftime := fatDateTime(mt)

	// Boot sector.
	b := hdr[:fatSector]
	copy(b, []byte{0xEB, 0x3C, 0x90})
	copy(b[3:], "MSWIN4.1")
	binary.LittleEndian.PutUint16(b[11:], fatSector)
	b[13] = byte(l.spc)
	binary.LittleEndian.PutUint16(b[14:], 1) // reserved sectors
	b[16] = 2                                // FATs
	binary.LittleEndian.PutUint16(b[17:], uint16(l.rootEntries))
	if l.total < 1<<16 {
		binary.LittleEndian.PutUint16(b[19:], uint16(l.total))
	} else {
		binary.LittleEndian.PutUint32(b[32:], uint32(l.total))
	}
	b[21] = 0xF8 // fixed disk
	binary.LittleEndian.PutUint16(b[22:], uint16(l.fatSectors))
	binary.LittleEndian.PutUint16(b[24:], fatTrack)
	binary.LittleEndian.PutUint16(b[26:], 2) // heads
	b[36] = 0x80                             // drive number
	b[38] = 0x29                             // extended boot signature: serial, label and type follow
	binary.LittleEndian.PutUint32(b[39:], fatSerial(opts.Label, mt, fs))
	label := fmt.Sprintf("%-11s", opts.Label)
	copy(b[43:54], label)
	copy(b[54:62], fmt.Sprintf("FAT%d   ", l.bits))
	// Boot code: not bootable; "int 18h" hands over to the next boot device, then halt.
	copy(b[62:], []byte{0xCD, 0x18, 0xF4, 0xEB, 0xFD})
	b[510], b[511] = 0x55, 0xAA

	// FATs.
	fat := hdr[fatSector : (1+l.fatSectors)*fatSector]
	put := fatPut12
	eoc := uint32(0xFFF)
	if l.bits == 16 {
		put, eoc = fatPut16, 0xFFFF
	}
	put(fat, 0, 0xFFFFFF00|0xF8)
	put(fat, 1, 0xFFFFFFFF)
	for _, f := range fs {
		if f.cluster == 0 {
			continue
		}
		n := uint32((len(f.Data) + clusterBytes - 1) / clusterBytes)
		for c := f.cluster; c < f.cluster+n-1; c++ {
			put(fat, c, c+1)
		}
		put(fat, f.cluster+n-1, eoc)
	}
	copy(hdr[(1+l.fatSectors)*fatSector:], fat)

	// Root directory.
	dir := hdr[(1+2*l.fatSectors)*fatSector : l.dataStart()*fatSector]
	copy(dir[:11], label)
	dir[11] = attrVolumeID
	binary.LittleEndian.PutUint16(dir[22:], ftime)
	binary.LittleEndian.PutUint16(dir[24:], fdate)
	off := fatDirEntry
	for _, f := range fs {
		off = putLFN(dir, off, f.Name, lfnChecksum(f.short))
		e := dir[off : off+fatDirEntry]
		copy(e, f.short[:])
		e[11] = attrArchive
		e[13] = byte(mt.Second()%2) * 100 // creation time, 10 ms units beyond the 2 s resolution
		binary.LittleEndian.PutUint16(e[14:], ftime)
		binary.LittleEndian.PutUint16(e[16:], fdate)
		binary.LittleEndian.PutUint16(e[18:], fdate) // last access date
		binary.LittleEndian.PutUint16(e[20:], uint16(f.cluster>>16))
		binary.LittleEndian.PutUint16(e[22:], ftime)
		binary.LittleEndian.PutUint16(e[24:], fdate)
		binary.LittleEndian.PutUint16(e[26:], uint16(f.cluster))
		binary.LittleEndian.PutUint32(e[28:], uint32(len(f.Data)))
		off += fatDirEntry
	}

	// Data clusters, then unused clusters up to the end of the volume.
	written := int64(l.dataStart()) * fatSector
	for _, f := range fs {
		s.write(f.Data)
		written += int64(len(f.Data))
		if r := len(f.Data) % clusterBytes; r != 0 {
			s.pad(int64(clusterBytes - r))
			written += int64(clusterBytes - r)
		}
	}
	s.pad(int64(l.total)*fatSector - written)
	return s.close()
}

// planFAT picks the FAT type, cluster size, FAT size and volume size for
// files needing dirEntries root directory entries.
func planFAT(fs []fatFile, dirEntries int) (fatLayout, error) {
	rootEntries := (dirEntries + 15) / 16 * 16 // whole sectors
	for _, bits := range []int{12, 16} {
		maxSPC, minClus, maxClus := fat12MaxSPC, 0, fat12MaxClus
		if bits == 16 {
			maxSPC, minClus, maxClus = fatMaxSPC, fat16MinClus, fat16MaxClus
		}
		for spc := 1; spc <= maxSPC; spc *= 2 {
			need := 0
			for _, f := range fs {
				need += (len(f.Data) + spc*fatSector - 1) / (spc * fatSector)
			}
			if need < minClus {
				need = minClus
			}
			if need > maxClus {
				continue
			}
			l := fatLayout{bits: bits, spc: spc, rootEntries: rootEntries}
			clusters := need
			for {
				fatBytes := (clusters + 2) * 2
				if bits == 12 {
					fatBytes = ((clusters+2)*3 + 1) / 2 // 1.5 bytes per entry
				}
				l.fatSectors = (fatBytes + fatSector - 1) / fatSector
				meta := l.dataStart()
				l.total = (meta + need*spc + fatTrack - 1) / fatTrack * fatTrack
				l.clusters = (l.total - meta) / spc
				if l.clusters <= clusters {
					break
				}
				clusters = l.clusters // rounding added clusters: make sure the FAT covers them
			}
			if l.clusters > maxClus {
				continue
			}
			return l, nil
		}
	}
	// Unreachable within MaxTotalSize and MaxFiles; kept as a guard.
	return fatLayout{}, fmt.Errorf("%w: files do not fit a FAT16 volume", ErrFileTooLarge)
}

// fatNames assigns unique 8.3 names. A name that fits 8.3 except for case
// keeps it; any other gets a Windows-style basis name with a "~N" tail.
func fatNames(sorted []File) []fatFile {
	fs := make([]fatFile, len(sorted))
	taken := make(map[[11]byte]bool, len(sorted))
	for i, f := range sorted {
		fs[i].File = f
		trimmed := strings.TrimLeft(f.Name, ".")
		base, ext := splitExt(trimmed)
		lossy := trimmed != f.Name || len(base) > 8 || len(ext) > 3 || strings.Contains(base, ".")
		if len(base) > 8 {
			base = base[:8]
		}
		if len(ext) > 3 {
			ext = ext[:3]
		}
		base = strings.ToUpper(strings.ReplaceAll(base, ".", "_"))
		ext = strings.ToUpper(ext)
		var short [11]byte
		mk := func(b string) [11]byte {
			var n [11]byte
			copy(n[:], fmt.Sprintf("%-8s%-3s", b, ext))
			return n
		}
		short = mk(base)
		if lossy || taken[short] {
			for n := 1; ; n++ {
				tail := "~" + strconv.Itoa(n)
				b := base
				if len(b)+len(tail) > 8 {
					b = b[:8-len(tail)]
				}
				if short = mk(b + tail); !taken[short] {
					break
				}
			}
		}
		taken[short] = true
		fs[i].short = short
	}
	return fs
}

func lfnEntries(name string) int { return (len(name) + lfnCharsPerEnt - 1) / lfnCharsPerEnt }

// lfnChecksum is the checksum of an 8.3 name stored in its long name entries.
func lfnChecksum(short [11]byte) byte {
	var sum byte
	for _, c := range short {
		sum = (sum>>1 | sum<<7) + c
	}
	return sum
}

// lfnOffsets are the byte offsets of the 13 UCS-2 characters in a long name entry.
var lfnOffsets = [lfnCharsPerEnt]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

// putLFN writes the long name entries for name at dir[off:], last part
// first, and returns the offset after them.
func putLFN(dir []byte, off int, name string, sum byte) int {
	n := lfnEntries(name)
	for k := n; k >= 1; k-- {
		e := dir[off : off+fatDirEntry]
		e[0] = byte(k)
		if k == n {
			e[0] |= 0x40
		}
		e[11] = attrLongName
		e[13] = sum
		for j, o := range lfnOffsets {
			i := (k-1)*lfnCharsPerEnt + j
			switch {
			case i < len(name):
				e[o], e[o+1] = name[i], 0
			case i == len(name):
				e[o], e[o+1] = 0, 0 // terminator
			default:
				e[o], e[o+1] = 0xFF, 0xFF
			}
		}
		off += fatDirEntry
	}
	return off
}

func fatPut12(fat []byte, n, v uint32) {
	o := n * 3 / 2
	if n%2 == 0 {
		fat[o] = byte(v)
		fat[o+1] = fat[o+1]&0xF0 | byte(v>>8)&0x0F
	} else {
		fat[o] = fat[o]&0x0F | byte(v<<4)
		fat[o+1] = byte(v >> 4)
	}
}

func fatPut16(fat []byte, n, v uint32) { binary.LittleEndian.PutUint16(fat[2*n:], uint16(v)) }

func fatDateTime(t time.Time) (date, tm uint16) {
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	return date, tm
}

func fatSerial(label string, mt time.Time, fs []fatFile) uint32 {
	h := crc32.NewIEEE()
	var b [8]byte
	io.WriteString(h, label)
	binary.LittleEndian.PutUint64(b[:], uint64(mt.Unix()))
	h.Write(b[:])
	for _, f := range fs {
		io.WriteString(h, f.Name)
		h.Write([]byte{0})
		binary.LittleEndian.PutUint64(b[:], uint64(len(f.Data)))
		h.Write(b[:])
		h.Write(f.Data)
	}
	return h.Sum32()
}
