// Package seed writes cloud-init NoCloud seed images (ISO 9660 or FAT)
// entirely in memory: no temporary files, no clock, environment, hostname or
// randomness, so identical input gives byte-identical images.
//
// Why a writer of our own (design note): kdomanski/iso9660 v0.4.0 has no Rock
// Ridge or Joliet, records "user-data;1" (not d-characters), leaves the path
// tables at 0 (bsdtar lists nothing), stamps time.Now() and stages files in a
// temp directory. diskfs/go-diskfs v1.9.4 does Rock Ridge but needs a backing file
// and a workspace directory whose file times it records, requires go 1.25 and ten
// more modules; its FAT12 reads SOURCE_DATE_EPOCH from the environment (two runs
// without it differed) and failed fsck.vfat -n. Both took ~0.6 ms per ISO seed.
// This package (stdlib only, ~1,000 lines) writes ISO 9660 level 1 + Rock Ridge
// (SUSP SP/CE/ER, RRIP 1.10 PX/TF/NM as xorriso writes them) + Joliet, and
// FAT12/16 + VFAT long names, in ~0.01-0.03 ms per seed (cloud-localds: ~21 ms);
// its tests check every image with xorriso, isoinfo, bsdtar, 7z, blkid,
// fsck.vfat and mtools.
//
// Limits (chosen for seeds, far below the formats' own): file names of 1 to 64
// characters from A-Z a-z 0-9 . _ - (unique ignoring case), at most 256 files,
// 64 MiB per file and 256 MiB in total. ISO labels: 1 to 32 of A-Z a-z 0-9 _;
// FAT labels: 1 to 11 of A-Z a-z 0-9 _ -. Lower case is allowed in both
// because NoCloud looks for "cidata" (or "CIDATA").
package seed
