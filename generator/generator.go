// Package generator is mesosimg's pure core: from a loaded description it
// builds the plan and runs one renderer per requested format, handing every
// output file (path, bytes, mode) to a sink without touching the disk.
// Nodes are rendered in parallel and emitted in description order, one node's
// files at a time, so memory stays flat however large the cluster. The last file
// is manifest.json, the record of the render (see package manifest).
package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/manifest"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render"
	"github.com/mesosimg/mesosimg/render/cloudinit"
	"github.com/mesosimg/mesosimg/render/installer"
	"github.com/mesosimg/mesosimg/render/netboot"
	"github.com/mesosimg/mesosimg/render/packer"
	"github.com/mesosimg/mesosimg/secrets"
	"github.com/mesosimg/mesosimg/seed"
)

// File is one output file.
type File = render.File

// Format names an output format.
type Format string

// Output formats.
const (
	// FormatCloudInit writes nodes/<name>/{user-data,meta-data,network-config}.
	FormatCloudInit Format = "cloud-init"
	// FormatISO writes nodes/<name>/seed.iso: a NoCloud seed (ISO 9660, Rock Ridge, Joliet,
	// label cidata) to attach as a CD-ROM.
	FormatISO Format = "iso"
	// FormatVFAT writes nodes/<name>/seed-vfat.img: the same seed as a FAT filesystem
	// labelled cidata, for hypervisors that attach disks rather than CD-ROMs.
	FormatVFAT Format = "vfat"
	// FormatPacker writes packer/: the Packer template that bakes every package of the
	// cluster into one base image (AMI, qcow2), its provisioning script and build seed.
	FormatPacker Format = "packer"
	// FormatInstaller writes the bare-metal installer answers matching the node's os:
	// nodes/<name>/preseed.cfg (debian-12), or nodes/<name>/autoinstall.yaml and the same on a
	// cidata seed, nodes/<name>/autoinstall-seed.iso (Ubuntu).
	FormatInstaller Format = "installer"
	// FormatPXE writes the network install, when installer.answers_url says where the output
	// is served: nodes/<name>/cmdline (the installer's kernel command line), pxe/boot.ipxe, and
	// per node with a MAC pxe/mac-<mac>.ipxe and pxe/pxelinux.cfg/01-<mac>; and what the
	// installers fetch: nodes/<name>/preseed.cfg (debian-12) or nodes/<name>/autoinstall/ (the
	// nocloud-net seed of Ubuntu's live installer).
	FormatPXE Format = "pxe"
)

// Formats lists every format, in the order they are rendered.
var Formats = []Format{FormatCloudInit, FormatISO, FormatVFAT, FormatInstaller, FormatPXE, FormatPacker}

// Seed file names in each node's directory.
const (
	SeedISOName  = "seed.iso"
	SeedVFATName = "seed-vfat.img"
	// AutoinstallSeedName (Ubuntu) is a cidata ISO holding the node's autoinstall as user-data,
	// for installs from USB or virtual media.
	AutoinstallSeedName = "autoinstall-seed.iso"
)

// DefaultEpoch is the timestamp stamped into images when SOURCE_DATE_EPOCH is unset
// (2020-11-24 00:00:00 UTC, the Mesos 1.11.0 release), so output never depends on the clock.
var DefaultEpoch = time.Unix(1606176000, 0).UTC()

// Options control a render.
type Options struct {
	// Formats to render; empty means all.
	Formats []Format
	// Epoch is stamped into images; zero means DefaultEpoch.
	Epoch time.Time
	// Workers renders this many nodes at once; 0 means one per CPU.
	Workers int
	// Secrets are the cluster's credentials (see package secrets).
	Secrets *secrets.Bundle
	// Description is the description's bytes as read; the manifest records their SHA-256 (none when nil).
	Description []byte
	// Version is mesosimg's version, recorded in the manifest.
	Version string
	// Stage names the stage of a rollout rendered (manifest.StageFirewall), recorded in the manifest; empty for the description itself.
	Stage string
	// Admit are machines the firewalls admit besides the description's nodes (plan.Cluster.Admitted).
	Admit []plan.Peer
	// ReuseData lets the generator reuse the memory of a node's seed images once the sink has
	// returned from them: set it when the sink keeps no File.Data (it writes them out).
	ReuseData bool
}

func (o Options) wants(f Format) bool {
	if len(o.Formats) == 0 {
		return true
	}
	for _, x := range o.Formats {
		if x == f {
			return true
		}
	}
	return false
}

// ParseFormats parses a comma-separated format list.
func ParseFormats(list string) ([]Format, error) {
	var out []Format
	seen := map[Format]bool{}
	for _, s := range strings.Split(list, ",") {
		f := Format(strings.TrimSpace(s))
		if f == "" {
			continue
		}
		if !known(f) {
			return nil, fmt.Errorf("unknown format %q; valid: %s", f, formatList())
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("empty format list; valid: %s", formatList())
	}
	return out, nil
}

func known(f Format) bool {
	for _, k := range Formats {
		if k == f {
			return true
		}
	}
	return false
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// Sink receives output files; an error stops the render.
type Sink func(File) error

// Generate renders every requested format of a loaded, defaulted description into sink.
func Generate(c *v1.Cluster, opts Options, sink Sink) error {
	p, err := plan.Build(c, opts.Secrets)
	if err != nil {
		return err
	}
	p.Admitted = opts.Admit
	return GeneratePlan(p, opts, sink)
}

// Manifest renders in memory and returns only the render's manifest (what `plan` compares).
func Manifest(c *v1.Cluster, opts Options) (*manifest.Manifest, error) {
	var data []byte
	err := Generate(c, opts, func(f File) error {
		if f.Path == manifest.FileName {
			data = f.Data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if data == nil {
		return nil, errors.New("the render made no manifest")
	}
	return manifest.Parse("the render's "+manifest.FileName, data)
}

// GenerateAll renders into memory, sorted by path (for tests and small clusters).
func GenerateAll(c *v1.Cluster, opts Options) ([]File, error) {
	var out []File
	err := Generate(c, opts, func(f File) error {
		out = append(out, f)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, err
}

// nodeResult is one node's rendered files and their record in the manifest.
type nodeResult struct {
	files  []File
	record manifest.Node
	err    error
}

// GeneratePlan renders every requested format of a plan into sink, and last the manifest
// (manifest.FileName), which records every file before it. Files are hashed as they are
// rendered; only their digests are kept for the manifest.
func GeneratePlan(p *plan.Cluster, opts Options, sink Sink) error {
	if opts.Epoch.IsZero() {
		opts.Epoch = DefaultEpoch
	}
	if len(opts.Formats) > 0 && opts.wants(FormatPXE) && !netboot.Enabled(p.Description) {
		return fmt.Errorf("format %s needs installer.answers_url in the description: the URL the output directory is served from", FormatPXE)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n := p.NodeCount()
	// Each node has its own result slot; workers fill them, the caller drains them in order.
	results := make([]chan nodeResult, n)
	for i := range results {
		results[i] = make(chan nodeResult, 1)
	}
	next := make(chan int)
	done := make(chan struct{})
	// At most this many nodes are rendered ahead of the sink, so a slow sink (a disk)
	// bounds memory instead of letting finished nodes pile up.
	inFlight := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				n := p.Node(i)
				files, err := renderNode(p, &n, opts)
				r := nodeResult{files: files, err: err}
				if err == nil {
					r.record = manifest.NewNode(&n, files)
				}
				results[i] <- r
			}
		}()
	}
	go func() {
		defer close(next)
		for i := 0; i < n; i++ {
			select {
			case inFlight <- struct{}{}:
			case <-done:
				return
			}
			select {
			case next <- i:
			case <-done:
				return
			}
		}
	}()
	var err error
	records := make([]manifest.Node, 0, n)
	for i := 0; i < n && err == nil; i++ {
		r := <-results[i]
		err = r.err
		for _, f := range r.files {
			if err == nil {
				err = sink(f)
			}
		}
		records = append(records, r.record)
		if err == nil && opts.ReuseData {
			releaseImages(r.files)
		}
		<-inFlight
	}
	close(done)
	wg.Wait()
	// Cluster-level files are recorded as they pass to the sink.
	var clusterFiles []manifest.File
	clusterSink := func(f File) error {
		clusterFiles = append(clusterFiles, manifest.NewFile(f))
		return sink(f)
	}
	if err == nil {
		err = renderRetired(p, opts, clusterSink)
	}
	if err == nil && opts.wants(FormatPXE) && netboot.Enabled(p.Description) {
		err = renderNetboot(p, clusterSink)
	}
	if err == nil && opts.wants(FormatPacker) {
		err = renderPacker(p, clusterSink)
	}
	if err == nil {
		err = writeManifest(p, opts, records, clusterFiles, sink)
	}
	return err
}

// writeManifest emits the record of the render, after every file it lists.
func writeManifest(p *plan.Cluster, opts Options, nodes []manifest.Node, files []manifest.File, sink Sink) error {
	r := manifest.Render{Version: opts.Version, Epoch: opts.Epoch, Stage: opts.Stage}
	if opts.Description != nil {
		r.DescriptionSHA256 = manifest.Sum(opts.Description)
	}
	for _, f := range Formats {
		if opts.wants(f) && (f != FormatPXE || netboot.Enabled(p.Description)) {
			r.Formats = append(r.Formats, string(f))
		}
	}
	m, err := manifest.Build(p, r, nodes, files)
	if err != nil {
		return err
	}
	data, err := m.Marshal()
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return sink(File{Path: manifest.FileName, Data: data, Mode: 0o644})
}

// PackerDir holds the cluster-level Packer files, emitted once after the nodes.
const PackerDir = "packer"

// renderPacker renders the Packer files of the cluster's base image.
func renderPacker(p *plan.Cluster, sink Sink) error {
	files, err := packer.Render(p.Image())
	if err != nil {
		return fmt.Errorf("packer: %w", err)
	}
	for _, f := range files {
		if err := sink(File{Path: path.Join(PackerDir, f.Path), Data: f.Data, Mode: f.Mode}); err != nil {
			return err
		}
	}
	return nil
}

// RetiredDir holds the cluster's retired seed: booted with it, a removed node masks
// mesosimg's services for good (see plan.Retired).
const RetiredDir = "retired"

// renderRetired renders the retired seed in the requested seed formats.
func renderRetired(p *plan.Cluster, opts Options, sink Sink) error {
	if !opts.wants(FormatCloudInit) && !opts.wants(FormatISO) && !opts.wants(FormatVFAT) {
		return nil
	}
	files, err := cloudinit.RenderRetired(p.RetiredSeed())
	if err != nil {
		return err
	}
	var out []File
	if opts.wants(FormatCloudInit) {
		out = append(out,
			File{Path: path.Join(RetiredDir, "user-data"), Data: files.UserData, Mode: 0o644},
			File{Path: path.Join(RetiredDir, "meta-data"), Data: files.MetaData, Mode: 0o644},
			File{Path: path.Join(RetiredDir, "network-config"), Data: files.NetworkConfig, Mode: 0o644})
	}
	imgs, err := seedImages(files, opts)
	if err != nil {
		return fmt.Errorf("retired seed: %w", err)
	}
	for _, img := range imgs {
		out = append(out, File{Path: path.Join(RetiredDir, img.name), Data: img.data, Mode: 0o644})
	}
	for _, f := range out {
		if err := sink(f); err != nil {
			return err
		}
	}
	return nil
}

// seedImage is one cidata image of a seed.
type seedImage struct {
	name string
	data []byte
}

// seedImages writes a seed's files into each requested image format (seed.iso, seed-vfat.img).
func seedImages(files cloudinit.Files, opts Options) ([]seedImage, error) {
	seedFiles := []seed.File{
		{Name: "meta-data", Data: files.MetaData},
		{Name: "network-config", Data: files.NetworkConfig},
		{Name: "user-data", Data: files.UserData},
	}
	var out []seedImage
	for _, s := range []struct {
		format Format
		name   string
		image  seed.AppendFunc
	}{{FormatISO, SeedISOName, seed.AppendISO}, {FormatVFAT, SeedVFATName, seed.AppendFAT}} {
		if !opts.wants(s.format) {
			continue
		}
		img, err := writeSeed(s.image, s.name, seedFiles, opts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.name, err)
		}
		out = append(out, seedImage{s.name, img})
	}
	return out, nil
}

// renderNetboot renders the network-boot files shared by every node.
func renderNetboot(p *plan.Cluster, sink Sink) error {
	files, err := netboot.ClusterFiles(p.Description)
	if err != nil {
		return fmt.Errorf("pxe: %w", err)
	}
	for _, f := range files {
		if err := sink(f); err != nil {
			return err
		}
	}
	return nil
}

// renderNode renders every requested format of node n.
func renderNode(p *plan.Cluster, n *plan.Node, opts Options) ([]File, error) {
	files, err := cloudinit.Render(n)
	if err != nil {
		return nil, err
	}
	// The manifest records the instance-id the seed carries.
	n.InstanceID = files.InstanceID
	mode := fs.FileMode(0o644)
	if files.Secret {
		mode = 0o600
	}
	dir := path.Join("nodes", n.Name)
	var out []File
	if opts.wants(FormatCloudInit) {
		out = append(out,
			File{Path: path.Join(dir, "user-data"), Data: files.UserData, Mode: mode},
			File{Path: path.Join(dir, "meta-data"), Data: files.MetaData, Mode: 0o644},
			File{Path: path.Join(dir, "network-config"), Data: files.NetworkConfig, Mode: 0o644},
		)
	}
	imgs, err := seedImages(files, opts)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.Name, err)
	}
	for _, img := range imgs {
		// The seed holds user-data, so it is as secret as user-data.
		out = append(out, File{Path: path.Join(dir, img.name), Data: img.data, Mode: mode})
	}
	inst, err := renderInstaller(p, n, dir, files, opts)
	if err != nil {
		return nil, err
	}
	return append(out, inst...), nil
}

// renderInstaller renders node n's installer answers (format installer) and network boot
// (format pxe, which also writes what its command line fetches).
func renderInstaller(p *plan.Cluster, n *plan.Node, dir string, files cloudinit.Files, opts Options) ([]File, error) {
	c := p.Description
	installerFormat, pxe := opts.wants(FormatInstaller), opts.wants(FormatPXE) && netboot.Enabled(c)
	if !installerFormat && !pxe {
		return nil, nil
	}
	answers, err := installer.Render(c, n, files)
	if err != nil {
		return nil, err
	}
	ubuntu := answers.Name == installer.AutoinstallName
	var out []File
	if installerFormat || !ubuntu { // a Debian network boot fetches preseed.cfg itself
		out = append(out, File{Path: path.Join(dir, answers.Name), Data: answers.Data, Mode: answers.Mode})
	}
	meta := installer.InstallMetaData(c.Cluster, n.Name)
	if installerFormat && ubuntu {
		// The autoinstall on a small cidata seed, for USB sticks and virtual media.
		img, err := writeSeed(seed.AppendISO, AutoinstallSeedName, []seed.File{{Name: "meta-data", Data: meta}, {Name: "user-data", Data: answers.Data}}, opts)
		if err != nil {
			return nil, fmt.Errorf("node %s: %s: %w", n.Name, AutoinstallSeedName, err)
		}
		out = append(out, File{Path: path.Join(dir, AutoinstallSeedName), Data: img, Mode: answers.Mode})
	}
	if !pxe {
		return out, nil
	}
	boot, err := netboot.NodeBoot(c, n, dir, answers.Data)
	if err != nil {
		return nil, err
	}
	nf, err := netboot.NodeFiles(boot, dir)
	if err != nil {
		return nil, fmt.Errorf("node %s: %w", n.Name, err)
	}
	if ubuntu {
		nf = append(nf, netboot.NoCloudFiles(dir, meta, answers.Data, answers.Mode)...)
	}
	return append(out, nf...), nil
}

// writeSeed builds the cidata image name of files with image, in the memory of an image of
// the same name already written when opts.ReuseData.
func writeSeed(image seed.AppendFunc, name string, files []seed.File, opts Options) ([]byte, error) {
	var buf []byte
	if opts.ReuseData {
		if b, ok := imagePools[name].Get().(*[]byte); ok {
			buf = *b
		}
	}
	return image(buf[:0], files, seed.Options{Label: SeedLabel, ModTime: opts.Epoch})
}

// imagePools hold the memory of seed images the sink has written (Options.ReuseData), one pool
// per image name as their sizes differ.
var imagePools = map[string]*sync.Pool{SeedISOName: {}, SeedVFATName: {}, AutoinstallSeedName: {}}

// releaseImages returns the seed images among a node's files to their pools.
func releaseImages(files []File) {
	for _, f := range files {
		if pool := imagePools[path.Base(f.Path)]; pool != nil && f.Data != nil {
			b := f.Data
			pool.Put(&b)
		}
	}
}

// SeedLabel is the volume label cloud-init's NoCloud datasource looks for.
const SeedLabel = "cidata"
