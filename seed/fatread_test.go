package seed

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"time"
)

// A small, strict FAT12/FAT16 reader for the tests, written from the
// Microsoft FAT specification: it checks the BPB, both FATs, the root
// directory (VFAT long names and their checksums) and every cluster chain,
// and reports leaked or cross-linked clusters.

type fatImage struct {
	Label      string // root directory volume label entry
	BootLabel  string // label in the extended BPB
	Bits       int
	Serial     uint32
	Clusters   int
	Files      map[string][]byte // by long name
	ShortNames map[string]string // long name -> 8.3 name as stored
	ModTime    time.Time         // write time of the first file (2 s resolution)
}

func parseFAT(img []byte) (*fatImage, error) {
	le16 := func(o int) int { return int(binary.LittleEndian.Uint16(img[o:])) }
	if len(img) < fatSector || len(img)%fatSector != 0 {
		return nil, fmt.Errorf("image size %d is not a whole number of sectors", len(img))
	}
	if img[0] != 0xEB || img[2] != 0x90 || img[510] != 0x55 || img[511] != 0xAA {
		return nil, fmt.Errorf("missing jump instruction or 0x55AA signature")
	}
	if le16(11) != fatSector {
		return nil, fmt.Errorf("bytes per sector %d", le16(11))
	}
	spc := int(img[13])
	if spc == 0 || spc&(spc-1) != 0 || spc > 128 {
		return nil, fmt.Errorf("sectors per cluster %d", spc)
	}
	reserved, nfats, rootEntries := le16(14), int(img[16]), le16(17)
	if reserved < 1 || nfats != 2 || rootEntries == 0 || rootEntries*32%fatSector != 0 {
		return nil, fmt.Errorf("reserved %d, FATs %d, root entries %d", reserved, nfats, rootEntries)
	}
	total := le16(19)
	tot32 := int(binary.LittleEndian.Uint32(img[32:]))
	if (total == 0) == (tot32 == 0) || total == 0 && tot32 < 1<<16 {
		return nil, fmt.Errorf("total sectors: 16-bit %d, 32-bit %d", total, tot32)
	}
	if total == 0 {
		total = tot32
	}
	if total*fatSector != len(img) {
		return nil, fmt.Errorf("BPB says %d sectors, image has %d", total, len(img)/fatSector)
	}
	if img[21] != 0xF8 {
		return nil, fmt.Errorf("media byte %#x", img[21])
	}
	fatSz := le16(22)
	spt, heads := le16(24), le16(26)
	if fatSz == 0 || spt == 0 || heads == 0 || total%spt != 0 {
		return nil, fmt.Errorf("FAT size %d, geometry %d/%d for %d sectors", fatSz, spt, heads, total)
	}
	if img[38] != 0x29 {
		return nil, fmt.Errorf("no extended boot signature")
	}
	rootSectors := rootEntries * 32 / fatSector
	dataStart := reserved + nfats*fatSz + rootSectors
	if dataStart > total {
		return nil, fmt.Errorf("metadata (%d sectors) larger than the volume", dataStart)
	}
	clusters := (total - dataStart) / spc
	bits := 12
	switch {
	case clusters >= 65525:
		return nil, fmt.Errorf("%d clusters: FAT32 territory", clusters)
	case clusters >= 4085:
		bits = 16
	}
	if want := fmt.Sprintf("FAT%-5d", bits); string(img[54:62]) != want {
		return nil, fmt.Errorf("type string %q, cluster count %d means %q", img[54:62], clusters, want)
	}
	if (clusters+2)*bits > fatSz*fatSector*8 {
		return nil, fmt.Errorf("FAT of %d sectors too small for %d clusters", fatSz, clusters)
	}
	fat := img[reserved*fatSector : (reserved+fatSz)*fatSector]
	if !bytes.Equal(fat, img[(reserved+fatSz)*fatSector:(reserved+2*fatSz)*fatSector]) {
		return nil, fmt.Errorf("the two FATs differ")
	}
	get := func(n int) int {
		if bits == 16 {
			return int(binary.LittleEndian.Uint16(fat[2*n:]))
		}
		v := int(binary.LittleEndian.Uint16(fat[n*3/2:]))
		if n%2 == 1 {
			return v >> 4
		}
		return v & 0xFFF
	}
	eoc, mask := 0xFF8, 0xFFF
	if bits == 16 {
		eoc, mask = 0xFFF8, 0xFFFF
	}
	if get(0) != mask&^0xFF|0xF8 || get(1) != mask {
		return nil, fmt.Errorf("reserved FAT entries %#x %#x", get(0), get(1))
	}
	for n := clusters + 2; n*bits/8+2 <= len(fat) && n < (len(fat)*8)/bits; n++ {
		if get(n) != 0 {
			return nil, fmt.Errorf("FAT entry %d beyond the last cluster is %#x", n, get(n))
		}
	}

	out := &fatImage{
		BootLabel:  strings.TrimRight(string(img[43:54]), " "),
		Bits:       bits,
		Serial:     binary.LittleEndian.Uint32(img[39:]),
		Clusters:   clusters,
		Files:      map[string][]byte{},
		ShortNames: map[string]string{},
	}
	clusterBytes := spc * fatSector
	seen := make([]bool, clusters+2)
	dir := img[(reserved+nfats*fatSz)*fatSector : dataStart*fatSector]
	var lfn []byte
	var lfnSum byte
	lfnNext := 0
	shorts := map[string]bool{}
	lower := map[string]bool{}
	for off := 0; off < len(dir); off += 32 {
		e := dir[off : off+32]
		if e[0] == 0 {
			if !bytes.Equal(dir[off:], make([]byte, len(dir)-off)) {
				return nil, fmt.Errorf("entries after the end-of-directory marker")
			}
			break
		}
		if e[0] == 0xE5 {
			return nil, fmt.Errorf("deleted entry at %d", off)
		}
		attr := e[11]
		if attr == attrLongName {
			ord := int(e[0])
			if ord&0x40 != 0 {
				if lfnNext != 0 {
					return nil, fmt.Errorf("long name sequence restarted at %d", off)
				}
				ord &^= 0x40
				lfn, lfnSum, lfnNext = make([]byte, 13*ord), e[13], ord
			}
			if ord != lfnNext || ord == 0 || e[13] != lfnSum || e[12] != 0 || e[26] != 0 || e[27] != 0 {
				return nil, fmt.Errorf("long name entry %d out of sequence", off/32)
			}
			for j, o := range []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30} {
				lfn[(ord-1)*13+j] = e[o]
				if e[o+1] != 0 && !(e[o] == 0xFF && e[o+1] == 0xFF) {
					return nil, fmt.Errorf("non-ASCII long name character")
				}
			}
			lfnNext--
			continue
		}
		if attr&attrVolumeID != 0 {
			if off != 0 || lfn != nil || attr != attrVolumeID {
				return nil, fmt.Errorf("volume label entry at %d (attr %#x)", off, attr)
			}
			out.Label = strings.TrimRight(string(e[:11]), " ")
			continue
		}
		if attr != attrArchive {
			return nil, fmt.Errorf("entry %d: attributes %#x", off/32, attr)
		}
		var short [11]byte
		copy(short[:], e[:11])
		for i, c := range short {
			if !(('A' <= c && c <= 'Z') || ('0' <= c && c <= '9') || strings.IndexByte("!#$%&'()-@^_`{}~", c) >= 0 || c == ' ' && i > 0) {
				return nil, fmt.Errorf("short name %q: invalid byte %q", short, c)
			}
		}
		if shorts[string(short[:])] {
			return nil, fmt.Errorf("duplicate short name %q", short)
		}
		shorts[string(short[:])] = true
		name := strings.TrimRight(string(short[:8]), " ")
		if ext := strings.TrimRight(string(short[8:]), " "); ext != "" {
			name += "." + ext
		}
		shortName := name
		if lfn != nil {
			if lfnNext != 0 || lfnSum != lfnChecksumRef(short) {
				return nil, fmt.Errorf("long name for %q incomplete or checksum mismatch", short)
			}
			end := bytes.IndexByte(lfn, 0)
			if end < 0 {
				end = len(lfn)
			} else {
				for _, c := range lfn[end+1:] {
					if c != 0xFF {
						return nil, fmt.Errorf("long name padding for %q", short)
					}
				}
			}
			name = string(lfn[:end])
			lfn = nil
		}
		if lower[strings.ToLower(name)] {
			return nil, fmt.Errorf("duplicate name %q", name)
		}
		lower[strings.ToLower(name)] = true
		if out.ModTime.IsZero() {
			// Creation time: 2 s resolution plus a count of 10 ms units (0-199).
			d, t := int(binary.LittleEndian.Uint16(e[16:])), int(binary.LittleEndian.Uint16(e[14:]))
			out.ModTime = time.Date(1980+d>>9, time.Month(d>>5&15), d&31, t>>11, t>>5&63, 2*(t&31), int(e[13])*1e7, time.UTC)
			if wd, wt := binary.LittleEndian.Uint16(e[24:]), binary.LittleEndian.Uint16(e[22:]); int(wd) != d || int(wt) != t {
				return nil, fmt.Errorf("%q: write time differs from creation time", name)
			}
		}
		size := int(binary.LittleEndian.Uint32(e[28:]))
		c := int(binary.LittleEndian.Uint16(e[26:])) | int(binary.LittleEndian.Uint16(e[20:]))<<16
		if (size == 0) != (c == 0) {
			return nil, fmt.Errorf("%q: size %d with first cluster %d", name, size, c)
		}
		var data []byte
		for n := 0; c != 0; n++ {
			if c < 2 || c >= clusters+2 {
				return nil, fmt.Errorf("%q: cluster %d out of range", name, c)
			}
			if seen[c] {
				return nil, fmt.Errorf("%q: cluster %d cross-linked or looped", name, c)
			}
			seen[c] = true
			o := (dataStart + (c-2)*spc) * fatSector
			data = append(data, img[o:o+clusterBytes]...)
			next := get(c)
			switch {
			case next >= eoc:
				c = 0
			case next == 0 || next == 1 || next >= eoc-8:
				return nil, fmt.Errorf("%q: bad FAT entry %#x for cluster %d", name, next, c)
			default:
				c = next
			}
		}
		if len(data) < size || len(data)-size >= clusterBytes {
			return nil, fmt.Errorf("%q: chain holds %d bytes for size %d", name, len(data), size)
		}
		out.Files[name] = data[:size:size]
		out.ShortNames[name] = shortName
	}
	if lfn != nil {
		return nil, fmt.Errorf("dangling long name entries")
	}
	for c := 2; c < clusters+2; c++ {
		if !seen[c] && get(c) != 0 {
			return nil, fmt.Errorf("cluster %d allocated but not used by any file", c)
		}
	}
	return out, nil
}

// lfnChecksumRef is the checksum algorithm as printed in the FAT specification, kept apart from the writer's.
func lfnChecksumRef(short [11]byte) byte {
	var sum byte
	for i := 0; i < 11; i++ {
		var hi byte
		if sum&1 != 0 {
			hi = 0x80
		}
		sum = hi + sum>>1 + short[i]
	}
	return sum
}
