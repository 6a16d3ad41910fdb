package seed

import (
	"encoding/binary"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ISO 9660 layout written by WriteISO (one 2048-byte logical block each unless noted):
//
//	0-15   system area (zeros)
//	16     primary volume descriptor (level 1 names, Rock Ridge in the root directory)
//	17     supplementary volume descriptor (Joliet, UCS-2 level 3)
//	18     volume descriptor set terminator
//	19-22  path tables: primary L, primary M, Joliet L, Joliet M (one entry: the root)
//	23-    primary root directory (as many blocks as needed)
//	...    SUSP continuation area holding the ER (RRIP_1991A) entry; it must follow
//	       the directory that points to it, or libarchive (which reads the image as a
//	       stream) rejects the CE entry
//	...    Joliet root directory (as many blocks as needed)
//	...    file data, one extent per file, each padded to a whole block
//	...    zero blocks up to isoMinBlocks, for small seeds
//
// The image size is always the volume space size in the PVD times 2048. Rock Ridge fields follow RRIP 1.10 as written by
// xorriso and genisoimage (36-byte PX, TF with modify/access/attributes
// times, NM); SUSP 1.12 (SP, CE, ER).
const (
	isoBlock      = 2048
	isoMinYear    = 1900 // directory record dates store the year as an offset from 1900 in one byte
	isoMaxYear    = 2155
	isoLabelMax   = 32 // volume identifier field of the PVD
	jolietNameMax = 16 // volume identifier field of the SVD holds 16 UCS-2 characters

	// isoMinBlocks pads tiny images to 66 KiB. libisoburn (xorriso) probes
	// 64 KiB at LBA 0 and at LBA 32 to emulate a table of contents on a plain
	// file, and reports an image of 32 blocks or fewer as a session of
	// "0 data blocks". genisoimage and xorriso pad by 300 KiB instead.
	isoMinBlocks = 33

	blkPVD     = 16
	blkSVD     = 17
	blkTerm    = 18
	blkPathL   = 19
	blkPathM   = 20
	blkJPathL  = 21
	blkJPathM  = 22
	blkRootDir = 23

	modeFile = 0o100644 // S_IFREG | rw-r--r--
	modeDir  = 0o040755 // S_IFDIR | rwxr-xr-x
)

// Rock Ridge extension reference, as recorded by genisoimage and xorriso.
const (
	erID     = "RRIP_1991A"
	erDesc   = "THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS"
	erSource = "PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE.  SEE PUBLISHER IDENTIFIER IN PRIMARY VOLUME DESCRIPTOR FOR CONTACT INFORMATION."
	erLen    = 8 + len(erID) + len(erDesc) + len(erSource)
)

// Lengths of the System Use entries written in every primary directory record.
const (
	lenSP = 7
	lenCE = 28
	lenPX = 36
	lenTF = 5 + 3*7
)

func isoLabelChar(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_'
}

type isoFile struct {
	File
	base, ext   string // ISO 9660 level 1 identifier "BASE.EXT;1"
	jbase, jext string // Joliet name split at its last dot, for sorting
	loc         uint32 // first block of the extent (0 for an empty file)
}

func (f *isoFile) isoID() string { return f.base + "." + f.ext + ";1" }

// WriteISO writes an ISO 9660 image with Rock Ridge and Joliet holding files in its root directory.
//
// Readers that understand Rock Ridge (Linux, libarchive, 7-Zip, xorriso,
// isoinfo -R) or Joliet (Windows, isoinfo -J) see the exact names; plain
// ISO 9660 readers see unique level 1 names (8.3, upper case, ";1").
// opts.Label may use A-Z a-z 0-9 _ (ECMA-119 d-characters plus lower case,
// as NoCloud's "cidata" needs) and at most 32 characters; opts.ModTime must
// fall in the years 1900 to 2155. Nothing is written if validation fails.
func WriteISO(w io.Writer, files []File, opts Options) error {
	_, err := writeISO(w, nil, files, opts)
	return err
}

// AppendISO appends the image WriteISO writes to dst (allocating, at the image's size, only
// when dst lacks the room) and returns the extended buffer; dst's old content past its length
// does not matter.
func AppendISO(dst []byte, files []File, opts Options) ([]byte, error) {
	return writeISO(nil, dst, files, opts)
}

// writeISO writes the image to w, or appends it to dst when w is nil.
func writeISO(w io.Writer, dst []byte, files []File, opts Options) ([]byte, error) {
	sorted, err := checkFiles(files)
	if err != nil {
		return nil, err
	}
	if err := checkLabel(opts.Label, isoLabelMax, "ISO 9660", "A-Z a-z 0-9 _", isoLabelChar); err != nil {
		return nil, err
	}
	mt, err := checkTime(opts.ModTime, isoMinYear, isoMaxYear, "ISO 9660")
	if err != nil {
		return nil, err
	}

	fs := isoNames(sorted)
	primary := make([]*isoFile, len(fs))
	joliet := make([]*isoFile, len(fs))
	for i := range fs {
		primary[i], joliet[i] = &fs[i], &fs[i]
	}
	sort.Slice(primary, func(i, j int) bool {
		a, b := primary[i], primary[j]
		return a.base < b.base || a.base == b.base && a.ext < b.ext
	})
	sort.Slice(joliet, func(i, j int) bool {
		a, b := joliet[i], joliet[j]
		return a.jbase < b.jbase || a.jbase == b.jbase && a.jext < b.jext
	})

	// Directory sizes depend only on name lengths, so lay out the volume first.
	plen := make([]int, 0, len(fs)+2)
	plen = append(plen, recLen(1, lenSP+lenPX+lenTF+lenCE), recLen(1, lenPX+lenTF))
	for _, f := range primary {
		plen = append(plen, recLen(len(f.isoID()), lenPX+lenTF+5+len(f.Name)))
	}
	jlen := make([]int, 0, len(fs)+2)
	jlen = append(jlen, recLen(1, 0), recLen(1, 0))
	for _, f := range joliet {
		jlen = append(jlen, recLen(2*len(f.Name), 0))
	}
	pBlocks, jBlocks := dirBlocks(plen), dirBlocks(jlen)
	pRoot := uint32(blkRootDir)
	blkCE := pRoot + uint32(pBlocks)
	jRoot := blkCE + 1
	next := jRoot + uint32(jBlocks)
	dataStart := next
	for i := range fs {
		if n := len(fs[i].Data); n > 0 {
			fs[i].loc = next
			next += uint32((n + isoBlock - 1) / isoBlock)
		}
	}
	total := max(next, isoMinBlocks)

	s := newSink(w, dst, int64(total)*isoBlock)
	hdr := s.reserve(int(dataStart) * isoBlock)
	date := isoDate7(mt)
	blk := func(n uint32) []byte { return hdr[n*isoBlock : (n+1)*isoBlock] }

	// Volume descriptors.
	writeVD(blk(blkPVD), 1, opts.Label, mt, total, pRoot, pBlocks, blkPathL, blkPathM, date, false)
	writeVD(blk(blkSVD), 2, opts.Label, mt, total, jRoot, jBlocks, blkJPathL, blkJPathM, date, true)
	t := blk(blkTerm)
	t[0] = 255
	copy(t[1:], "CD001")
	t[6] = 1

	// Path tables: a single entry for the root directory.
	writePathTable(blk(blkPathL), pRoot, binary.LittleEndian)
	writePathTable(blk(blkPathM), pRoot, binary.BigEndian)
	writePathTable(blk(blkJPathL), jRoot, binary.LittleEndian)
	writePathTable(blk(blkJPathM), jRoot, binary.BigEndian)

	// SUSP continuation area with the extension reference.
	ce := blk(blkCE)
	ce[0], ce[1], ce[2], ce[3] = 'E', 'R', byte(erLen), 1
	ce[4], ce[5], ce[6], ce[7] = byte(len(erID)), byte(len(erDesc)), byte(len(erSource)), 1
	copy(ce[8:], erID+erDesc+erSource)

	// Primary root directory with Rock Ridge.
	rootSize := uint32(pBlocks * isoBlock)
	dw := dirWriter{b: hdr[pRoot*isoBlock : (pRoot+uint32(pBlocks))*isoBlock]}
	var su []byte
	su = append(su, 'S', 'P', lenSP, 1, 0xBE, 0xEF, 0)
	su = appendPX(su, modeDir, 2)
	su = appendTF(su, date)
	su = append(su, 'C', 'E', lenCE, 1)
	su = both32(su, blkCE)
	su = both32(su, 0)
	su = both32(su, uint32(erLen))
	dw.add([]byte{0}, pRoot, rootSize, 2, date, su)
	su = appendTF(appendPX(su[:0], modeDir, 2), date)
	dw.add([]byte{1}, pRoot, rootSize, 2, date, su)
	for _, f := range primary {
		su = appendPX(su[:0], modeFile, 1)
		su = appendTF(su, date)
		su = append(su, 'N', 'M', byte(5+len(f.Name)), 1, 0)
		su = append(su, f.Name...)
		dw.add([]byte(f.isoID()), f.loc, uint32(len(f.Data)), 0, date, su)
	}

	// Joliet root directory.
	jSize := uint32(jBlocks * isoBlock)
	dw = dirWriter{b: hdr[jRoot*isoBlock : (jRoot+uint32(jBlocks))*isoBlock]}
	dw.add([]byte{0}, jRoot, jSize, 2, date, nil)
	dw.add([]byte{1}, jRoot, jSize, 2, date, nil)
	id := make([]byte, 0, 2*MaxNameLen)
	for _, f := range joliet {
		id = id[:0]
		for i := 0; i < len(f.Name); i++ {
			id = append(id, 0, f.Name[i])
		}
		dw.add(id, f.loc, uint32(len(f.Data)), 0, date, nil)
	}

	// File data, in the order the extents were assigned.
	for _, f := range fs {
		s.write(f.Data)
		if r := len(f.Data) % isoBlock; r != 0 {
			s.pad(int64(isoBlock - r))
		}
	}
	s.pad(int64(total-next) * isoBlock)
	return s.close()
}

// isoNames derives unique level 1 identifiers (up to 8 d-characters, a dot,
// up to 3 d-characters) from files sorted by name.
func isoNames(sorted []File) []isoFile {
	fs := make([]isoFile, len(sorted))
	taken := make(map[string]bool, len(sorted))
	for i, f := range sorted {
		fs[i].File = f
		base, ext := splitExt(strings.TrimLeft(f.Name, "."))
		base, ext = dchars(base, 8), dchars(ext, 3)
		if base == "" && ext == "" {
			base = "_"
		}
		cand := base
		for n := 1; taken[cand+"."+ext]; n++ {
			suffix := strconv.Itoa(n)
			cand = base
			if len(cand)+len(suffix) > 8 {
				cand = cand[:8-len(suffix)]
			}
			cand += suffix
		}
		taken[cand+"."+ext] = true
		fs[i].base, fs[i].ext = cand, ext
		fs[i].jbase, fs[i].jext = splitExt(f.Name)
	}
	return fs
}

// splitExt splits name at its last dot (the dot itself is dropped).
func splitExt(name string) (base, ext string) {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[:i], name[i+1:]
	}
	return name, ""
}

// dchars upper-cases s, maps every byte that is not a d-character to '_'
// and truncates the result to max bytes.
func dchars(s string, max int) string {
	if len(s) > max {
		s = s[:max]
	}
	b := []byte(strings.ToUpper(s))
	for i, c := range b {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// recLen is the length of a directory record with an identifier of idLen
// bytes and suLen bytes of System Use data (ECMA-119 9.1, padded to even).
func recLen(idLen, suLen int) int {
	n := 33 + idLen
	if idLen%2 == 0 {
		n++
	}
	n += suLen
	return n + n%2
}

// dirBlocks is the number of blocks a directory needs; records never cross a block boundary.
func dirBlocks(lens []int) int {
	blocks, used := 1, 0
	for _, n := range lens {
		if used+n > isoBlock {
			blocks++
			used = 0
		}
		used += n
	}
	return blocks
}

// dirWriter places directory records the same way dirBlocks counts them.
type dirWriter struct {
	b   []byte
	off int
}

func (d *dirWriter) add(id []byte, loc, size uint32, flags byte, date [7]byte, su []byte) {
	n := recLen(len(id), len(su))
	if d.off%isoBlock+n > isoBlock {
		d.off += isoBlock - d.off%isoBlock
	}
	r := d.b[d.off : d.off+n]
	r[0] = byte(n)
	putBoth32(r[2:], loc)
	putBoth32(r[10:], size)
	copy(r[18:25], date[:])
	r[25] = flags
	putBoth16(r[28:], 1) // volume sequence number
	r[32] = byte(len(id))
	copy(r[33:], id)
	p := 33 + len(id)
	if len(id)%2 == 0 {
		p++
	}
	copy(r[p:], su)
	d.off += n
}

// writeVD fills a primary (type 1) or Joliet supplementary (type 2) volume descriptor.
func writeVD(b []byte, typ byte, label string, mt time.Time, total, root uint32, rootBlocks int, pathL, pathM uint32, date [7]byte, joliet bool) {
	b[0] = typ
	copy(b[1:], "CD001")
	b[6] = 1
	text := func(off, n int, s string) {
		if joliet {
			ucs2Field(b[off:off+n], s)
		} else {
			copy(b[off:off+n], s)
			for i := off + len(s); i < off+n; i++ {
				b[i] = ' '
			}
		}
	}
	text(8, 32, "") // system identifier
	if joliet && len(label) > jolietNameMax {
		label = label[:jolietNameMax]
	}
	text(40, 32, label)
	putBoth32(b[80:], total)
	if joliet {
		copy(b[88:], "%/E") // UCS-2 level 3
	}
	putBoth16(b[120:], 1) // volume set size
	putBoth16(b[124:], 1) // volume sequence number
	putBoth16(b[128:], isoBlock)
	putBoth32(b[132:], 10) // path table size: one root entry
	binary.LittleEndian.PutUint32(b[140:], pathL)
	binary.BigEndian.PutUint32(b[148:], pathM)
	r := b[156:190]
	r[0] = 34
	putBoth32(r[2:], root)
	putBoth32(r[10:], uint32(rootBlocks*isoBlock))
	copy(r[18:25], date[:])
	r[25] = 2
	putBoth16(r[28:], 1)
	r[32] = 1
	text(190, 128, "") // volume set
	text(318, 128, "") // publisher
	text(446, 128, "") // data preparer
	text(574, 128, "") // application
	text(702, 37, "")  // copyright file
	text(739, 37, "")  // abstract file
	text(776, 37, "")  // bibliographic file
	d := isoDate17(mt)
	copy(b[813:], d[:])         // creation
	copy(b[830:], d[:])         // modification
	copy(b[847:], isoDateUnset) // expiration
	copy(b[864:], isoDateUnset) // effective
	b[881] = 1                  // file structure version
}

// isoDateUnset is the 17-byte "not specified" date (ECMA-119 8.4.26.1).
var isoDateUnset = []byte("0000000000000000\x00")

// ucs2Field writes s as UCS-2 big endian, padded with UCS-2 spaces; an odd
// trailing byte stays zero.
func ucs2Field(b []byte, s string) {
	for i := 0; i+1 < len(b); i += 2 {
		c := byte(' ')
		if i/2 < len(s) {
			c = s[i/2]
		}
		b[i], b[i+1] = 0, c
	}
}

func writePathTable(b []byte, root uint32, order binary.ByteOrder) {
	b[0] = 1 // length of directory identifier
	order.PutUint32(b[2:], root)
	order.PutUint16(b[6:], 1) // parent directory number
	// b[8] = 0: the root's identifier; b[9]: padding
}

func isoDate7(t time.Time) [7]byte {
	return [7]byte{byte(t.Year() - 1900), byte(t.Month()), byte(t.Day()), byte(t.Hour()), byte(t.Minute()), byte(t.Second()), 0}
}

func isoDate17(t time.Time) [17]byte {
	var d [17]byte
	copy(d[:], fmt.Sprintf("%04d%02d%02d%02d%02d%02d00", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second()))
	return d // d[16] = 0: UTC
}

func appendPX(b []byte, mode, nlink uint32) []byte {
	b = append(b, 'P', 'X', lenPX, 1)
	b = both32(b, mode)
	b = both32(b, nlink)
	b = both32(b, 0) // uid
	return both32(b, 0)
}

func appendTF(b []byte, date [7]byte) []byte {
	b = append(b, 'T', 'F', lenTF, 1, 0x0E) // modify, access, attributes
	for i := 0; i < 3; i++ {
		b = append(b, date[:]...)
	}
	return b
}

func both32(b []byte, v uint32) []byte {
	b = binary.LittleEndian.AppendUint32(b, v)
	return binary.BigEndian.AppendUint32(b, v)
}

func putBoth32(b []byte, v uint32) {
	binary.LittleEndian.PutUint32(b, v)
	binary.BigEndian.PutUint32(b[4:], v)
}

func putBoth16(b []byte, v uint16) {
	binary.LittleEndian.PutUint16(b, v)
	binary.BigEndian.PutUint16(b[2:], v)
}
