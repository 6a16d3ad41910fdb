package seed

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// This file is a small, strict ISO 9660 + Rock Ridge + Joliet reader used by
// the tests and the fuzz test. It is written from ECMA-119, SUSP 1.12 and
// RRIP 1.12 independently of the writer's helpers, and rejects anything the
// writer is not supposed to produce.

type isoImage struct {
	Label       string            // PVD volume identifier, spaces trimmed
	JolietLabel string            // SVD volume identifier
	Blocks      uint32            // volume space size
	ModTime     time.Time         // PVD creation date
	Files       map[string][]byte // by Rock Ridge name
	ISONames    map[string]string // Rock Ridge name -> level 1 identifier
}

type isoRec struct {
	id    []byte
	loc   uint32
	size  uint32
	flags byte
	su    []byte
}

func rdBoth32(b []byte) (uint32, error) {
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b[4:])
	if le != be {
		return 0, fmt.Errorf("both-endian field disagrees: LE %d, BE %d", le, be)
	}
	return le, nil
}

func rdBoth16(b []byte) (uint16, error) {
	le, be := binary.LittleEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])
	if le != be {
		return 0, fmt.Errorf("both-endian field disagrees: LE %d, BE %d", le, be)
	}
	return le, nil
}

var level1ID = regexp.MustCompile(`^([A-Z0-9_]{0,8})\.([A-Z0-9_]{0,3});1$`)

type volDesc struct {
	root                isoRec
	pathL, pathM, ptLen uint32
	label               string
}

func parseISO(img []byte) (*isoImage, error) {
	if len(img)%isoBlock != 0 || len(img) < 19*isoBlock {
		return nil, fmt.Errorf("image size %d is not a whole number of blocks >= 19", len(img))
	}
	nblocks := uint32(len(img) / isoBlock)
	block := func(n uint32) []byte { return img[n*isoBlock : (n+1)*isoBlock] }
	for i := uint32(0); i < 16; i++ {
		if !bytes.Equal(block(i), make([]byte, isoBlock)) {
			return nil, fmt.Errorf("system area block %d is not zero", i)
		}
	}

	var pvd, svd *volDesc
	var total uint32
	var modTime time.Time
	for n := uint32(16); ; n++ {
		if n >= nblocks {
			return nil, fmt.Errorf("no volume descriptor set terminator")
		}
		b := block(n)
		if string(b[1:6]) != "CD001" || b[6] != 1 {
			return nil, fmt.Errorf("block %d: bad volume descriptor header", n)
		}
		if b[0] == 255 {
			break
		}
		if b[0] != 1 && b[0] != 2 {
			return nil, fmt.Errorf("block %d: unexpected descriptor type %d", n, b[0])
		}
		if b[0] == 1 && n != 16 {
			return nil, fmt.Errorf("primary volume descriptor at block %d, want 16", n)
		}
		joliet := b[0] == 2
		if joliet && string(b[88:91]) != "%/E" {
			return nil, fmt.Errorf("SVD escape sequence %q, want %%/E", b[88:91])
		}
		vs, err := rdBoth32(b[80:])
		if err != nil {
			return nil, fmt.Errorf("volume space size: %w", err)
		}
		if total != 0 && vs != total {
			return nil, fmt.Errorf("descriptors disagree on volume size: %d vs %d", total, vs)
		}
		total = vs
		for _, f := range []struct {
			off  int
			want uint16
		}{{120, 1}, {124, 1}, {128, isoBlock}} {
			v, err := rdBoth16(b[f.off:])
			if err != nil || v != f.want {
				return nil, fmt.Errorf("block %d: field at %d = %d (%v), want %d", n, f.off, v, err, f.want)
			}
		}
		ptLen, err := rdBoth32(b[132:])
		if err != nil {
			return nil, err
		}
		vd := &volDesc{
			pathL: binary.LittleEndian.Uint32(b[140:]),
			pathM: binary.BigEndian.Uint32(b[148:]),
			ptLen: ptLen,
		}
		if b[881] != 1 {
			return nil, fmt.Errorf("file structure version %d", b[881])
		}
		rr := b[156:190]
		if rr[0] != 34 || rr[32] != 1 || rr[33] != 0 || rr[25]&2 == 0 {
			return nil, fmt.Errorf("block %d: bad root directory record", n)
		}
		if vd.root.loc, err = rdBoth32(rr[2:]); err != nil {
			return nil, err
		}
		if vd.root.size, err = rdBoth32(rr[10:]); err != nil {
			return nil, err
		}
		if joliet {
			var s []rune
			for i := 40; i < 72; i += 2 {
				s = append(s, rune(binary.BigEndian.Uint16(b[i:])))
			}
			vd.label = trimRight(string(s))
			svd = vd
		} else {
			vd.label = trimRight(string(b[40:72]))
			pvd = vd
			t, err := parseDate17(b[813:830])
			if err != nil {
				return nil, fmt.Errorf("creation date: %w", err)
			}
			modTime = t
		}
	}
	if pvd == nil {
		return nil, fmt.Errorf("no primary volume descriptor")
	}
	if total != nblocks {
		return nil, fmt.Errorf("volume space size %d blocks, image has %d", total, nblocks)
	}

	img2 := &isoImage{Label: pvd.label, Blocks: total, ModTime: modTime, Files: map[string][]byte{}, ISONames: map[string]string{}}
	inVolume := func(loc, size uint32) error {
		if uint64(loc)+(uint64(size)+isoBlock-1)/isoBlock > uint64(total) {
			return fmt.Errorf("extent %d+%d bytes beyond the volume (%d blocks)", loc, size, total)
		}
		return nil
	}
	used := map[uint32]string{} // block -> owner, to find overlaps
	claim := func(loc, size uint32, who string) error {
		if err := inVolume(loc, size); err != nil {
			return fmt.Errorf("%s: %w", who, err)
		}
		for b := loc; b < loc+(size+isoBlock-1)/isoBlock; b++ {
			if b < 19 {
				return fmt.Errorf("%s: extent overlaps the volume descriptors", who)
			}
			if prev, ok := used[b]; ok {
				return fmt.Errorf("%s: block %d already used by %s", who, b, prev)
			}
			used[b] = who
		}
		return nil
	}
	checkPT := func(vd *volDesc, name string) error {
		if vd.ptLen != 10 {
			return fmt.Errorf("%s path table size %d, want 10 (root only)", name, vd.ptLen)
		}
		for _, pt := range []struct {
			loc   uint32
			order binary.ByteOrder
			kind  string
		}{{vd.pathL, binary.LittleEndian, "L"}, {vd.pathM, binary.BigEndian, "M"}} {
			if pt.loc < 19 || pt.loc >= total {
				return fmt.Errorf("%s %s path table at block %d", name, pt.kind, pt.loc)
			}
			if err := claim(pt.loc, isoBlock, name+" "+pt.kind+" path table"); err != nil {
				return err
			}
			e := block(pt.loc)
			if e[0] != 1 || e[1] != 0 || e[8] != 0 || pt.order.Uint32(e[2:]) != vd.root.loc || pt.order.Uint16(e[6:]) != 1 {
				return fmt.Errorf("%s %s path table entry % x does not describe the root at %d", name, pt.kind, e[:10], vd.root.loc)
			}
		}
		return nil
	}
	if err := checkPT(pvd, "primary"); err != nil {
		return nil, err
	}

	// Primary directory with Rock Ridge.
	recs, err := readISODir(img, pvd.root, claim, "primary root")
	if err != nil {
		return nil, err
	}
	dot := recs[0]
	sp, err := susp(dot.su)
	if err != nil {
		return nil, fmt.Errorf("root '.': %w", err)
	}
	if len(sp) == 0 || sp[0].sig != "SP" || !bytes.Equal(sp[0].data, []byte{0xBE, 0xEF, 0}) {
		return nil, fmt.Errorf("root '.' does not start with SP")
	}
	var er string
	for _, e := range sp {
		if e.sig != "CE" {
			continue
		}
		if len(e.data) != 24 {
			return nil, fmt.Errorf("CE length %d", len(e.data))
		}
		loc, err1 := rdBoth32(e.data)
		off, err2 := rdBoth32(e.data[8:])
		n, err3 := rdBoth32(e.data[16:])
		if err1 != nil || err2 != nil || err3 != nil || off+n > isoBlock || loc <= pvd.root.loc || loc >= total {
			return nil, fmt.Errorf("bad CE entry %d/%d/%d (must lie after the directory)", loc, off, n)
		}
		if err := claim(loc, isoBlock, "continuation area"); err != nil {
			return nil, err
		}
		ce, err := susp(block(loc)[off : off+n])
		if err != nil {
			return nil, fmt.Errorf("continuation area: %w", err)
		}
		for _, c := range ce {
			if c.sig == "ER" {
				d := c.data
				if len(d) < 4 || 4+int(d[0])+int(d[1])+int(d[2]) != len(d) {
					return nil, fmt.Errorf("bad ER entry")
				}
				er = string(d[4 : 4+d[0]])
			}
		}
	}
	if er != "RRIP_1991A" {
		return nil, fmt.Errorf("no ER entry for RRIP_1991A reachable from the root (got %q)", er)
	}
	var prevBase, prevExt string
	for i, r := range recs[2:] {
		m := level1ID.FindSubmatch(r.id)
		if m == nil || len(m[1])+len(m[2]) == 0 {
			return nil, fmt.Errorf("identifier %q is not a level 1 file identifier", r.id)
		}
		base, ext := string(m[1]), string(m[2])
		if i > 0 && !(prevBase < base || prevBase == base && prevExt < ext) {
			return nil, fmt.Errorf("identifier %q out of order or duplicate", r.id)
		}
		prevBase, prevExt = base, ext
		if r.flags != 0 {
			return nil, fmt.Errorf("%q: flags %#x", r.id, r.flags)
		}
		es, err := susp(r.su)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", r.id, err)
		}
		var name string
		var hasPX, hasTF bool
		for _, e := range es {
			switch e.sig {
			case "NM":
				if len(e.data) < 1 || e.data[0] != 0 {
					return nil, fmt.Errorf("%q: NM flags", r.id)
				}
				name += string(e.data[1:])
			case "PX":
				if len(e.data) != 32 {
					return nil, fmt.Errorf("%q: PX length %d", r.id, len(e.data)+4)
				}
				mode, err := rdBoth32(e.data)
				if err != nil || mode&0o170000 != 0o100000 {
					return nil, fmt.Errorf("%q: PX mode %o %v", r.id, mode, err)
				}
				hasPX = true
			case "TF":
				if len(e.data) != 22 || e.data[0] != 0x0E {
					return nil, fmt.Errorf("%q: TF entry % x", r.id, e.data)
				}
				hasTF = true
			}
		}
		if name == "" || !hasPX || !hasTF {
			return nil, fmt.Errorf("%q: missing NM, PX or TF", r.id)
		}
		if _, dup := img2.Files[name]; dup {
			return nil, fmt.Errorf("duplicate Rock Ridge name %q", name)
		}
		if r.size > 0 {
			if err := claim(r.loc, r.size, name); err != nil {
				return nil, err
			}
		} else if err := inVolume(r.loc, 0); err != nil {
			return nil, err
		}
		img2.Files[name] = img[int64(r.loc)*isoBlock : int64(r.loc)*isoBlock+int64(r.size)]
		img2.ISONames[name] = string(r.id)
	}

	// Joliet directory: same files, same extents.
	if svd == nil {
		return nil, fmt.Errorf("no Joliet supplementary volume descriptor")
	}
	img2.JolietLabel = svd.label
	if err := checkPT(svd, "Joliet"); err != nil {
		return nil, err
	}
	jrecs, err := readISODir(img, svd.root, claim, "Joliet root")
	if err != nil {
		return nil, err
	}
	if len(jrecs)-2 != len(img2.Files) {
		return nil, fmt.Errorf("Joliet lists %d files, primary %d", len(jrecs)-2, len(img2.Files))
	}
	for _, r := range jrecs[2:] {
		if len(r.id)%2 != 0 || len(r.su) != 0 {
			return nil, fmt.Errorf("Joliet record %q malformed", r.id)
		}
		var name []byte
		for i := 0; i < len(r.id); i += 2 {
			if r.id[i] != 0 {
				return nil, fmt.Errorf("Joliet name %q not ASCII", r.id)
			}
			name = append(name, r.id[i+1])
		}
		data, ok := img2.Files[string(name)]
		if !ok {
			return nil, fmt.Errorf("Joliet name %q not in the primary directory", name)
		}
		if int(r.size) != len(data) || r.flags != 0 {
			return nil, fmt.Errorf("Joliet %q: size %d, flags %#x", name, r.size, r.flags)
		}
		if r.size > 0 && !sameExtent(img, data, r.loc) {
			return nil, fmt.Errorf("Joliet %q points to a different extent", name)
		}
	}
	return img2, nil
}

// sameExtent reports whether data is the slice of img starting at block loc.
func sameExtent(img, data []byte, loc uint32) bool {
	if len(data) == 0 {
		return true
	}
	return &img[int64(loc)*isoBlock] == &data[0]
}

func trimRight(s string) string {
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func parseDate17(b []byte) (time.Time, error) {
	if b[16] != 0 {
		return time.Time{}, fmt.Errorf("non-UTC offset %d", int8(b[16]))
	}
	n := func(i, j int) (int, error) { return strconv.Atoi(string(b[i:j])) }
	var v [7]int
	var err error
	for k, r := range [][2]int{{0, 4}, {4, 6}, {6, 8}, {8, 10}, {10, 12}, {12, 14}, {14, 16}} {
		if v[k], err = n(r[0], r[1]); err != nil {
			return time.Time{}, err
		}
	}
	return time.Date(v[0], time.Month(v[1]), v[2], v[3], v[4], v[5], v[6]*1e7, time.UTC), nil
}

// readISODir reads a directory extent: records never cross a block, unused
// space is zero, '.' and '..' come first and point at the directory itself
// (it is the root).
func readISODir(img []byte, dir isoRec, claim func(loc, size uint32, who string) error, who string) ([]isoRec, error) {
	if dir.size == 0 || dir.size%isoBlock != 0 {
		return nil, fmt.Errorf("%s: size %d", who, dir.size)
	}
	if err := claim(dir.loc, dir.size, who); err != nil {
		return nil, err
	}
	var recs []isoRec
	ext := img[int64(dir.loc)*isoBlock : int64(dir.loc)*isoBlock+int64(dir.size)]
	for blk := 0; blk < len(ext); blk += isoBlock {
		b := ext[blk : blk+isoBlock]
		off := 0
		for off < isoBlock {
			n := int(b[off])
			if n == 0 {
				if !bytes.Equal(b[off:], make([]byte, isoBlock-off)) {
					return nil, fmt.Errorf("%s: garbage after last record in block", who)
				}
				break
			}
			if n < 34 || n%2 != 0 || off+n > isoBlock {
				return nil, fmt.Errorf("%s: record length %d at %d", who, n, blk+off)
			}
			r := b[off : off+n]
			idLen := int(r[32])
			suStart := 33 + idLen
			if idLen%2 == 0 {
				suStart++
			}
			if idLen == 0 || suStart > n {
				return nil, fmt.Errorf("%s: identifier length %d in record of %d", who, idLen, n)
			}
			if vs, err := rdBoth16(r[28:]); err != nil || vs != 1 {
				return nil, fmt.Errorf("%s: volume sequence number", who)
			}
			loc, err := rdBoth32(r[2:])
			if err != nil {
				return nil, err
			}
			size, err := rdBoth32(r[10:])
			if err != nil {
				return nil, err
			}
			recs = append(recs, isoRec{id: r[33 : 33+idLen], loc: loc, size: size, flags: r[25], su: r[suStart:]})
			off += n
		}
	}
	if len(recs) < 2 || !bytes.Equal(recs[0].id, []byte{0}) || !bytes.Equal(recs[1].id, []byte{1}) {
		return nil, fmt.Errorf("%s: does not start with '.' and '..'", who)
	}
	for _, r := range recs[:2] {
		if r.loc != dir.loc || r.size != dir.size || r.flags != 2 {
			return nil, fmt.Errorf("%s: '.' or '..' does not describe the root", who)
		}
	}
	return recs, nil
}

type suspEntry struct {
	sig  string
	data []byte
}

// susp splits a System Use area into entries; a single trailing zero byte of padding is allowed.
func susp(su []byte) ([]suspEntry, error) {
	var es []suspEntry
	for len(su) > 0 {
		if len(su) == 1 && su[0] == 0 {
			break
		}
		if len(su) < 4 {
			return nil, fmt.Errorf("truncated SUSP entry % x", su)
		}
		n := int(su[2])
		if n < 4 || n > len(su) || su[3] != 1 {
			return nil, fmt.Errorf("SUSP entry %q: length %d of %d, version %d", su[:2], n, len(su), su[3])
		}
		es = append(es, suspEntry{sig: string(su[:2]), data: su[4:n]})
		su = su[n:]
	}
	return es, nil
}
