// Package packer renders the plan of a cluster's base image as Packer files (out/packer):
// an HCL2 template with an amazon-ebs and a qemu source and one build block, the plugin
// requirements of modern Packer in a file of their own, the provisioning script, and the
// NoCloud seed that lets Packer log in to the qemu build machine. The HCL is built with
// hclwrite and formatted with hclwrite.Format; only the script and the README are templates.
package packer

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	v1 "github.com/mesosimg/mesosimg/config/v1"
	"github.com/mesosimg/mesosimg/plan"
	"github.com/mesosimg/mesosimg/render"
	"github.com/mesosimg/mesosimg/templates"
)

// Files of the output, relative to the packer/ directory.
const (
	// TemplateFile is the template Packer builds: variables, sources, build.
	TemplateFile = "mesos.pkr.hcl"
	// PluginsFile holds `packer { required_plugins }` for Packer ≥ 1.10 (`packer init`);
	// Packer 1.6.6 (Debian) rejects that block, so it is kept apart from TemplateFile.
	PluginsFile = "plugins.pkr.hcl"
	// ScriptFile is the provisioning script.
	ScriptFile = "scripts/provision.sh"
	// SeedDir holds the NoCloud seed of the qemu build machine (attached by cd_files).
	SeedDir = "cidata"
	// ReadmeFile explains how to build.
	ReadmeFile = "README.md"
)

// SourceName labels both sources: `packer build -only=qemu.mesos` builds one of them.
const SourceName = "mesos"

// The qemu build machine's login: a throwaway user the seed creates, reached only through a
// port forwarded on 127.0.0.1, and deleted by the shutdown command before the disk is saved.
const (
	BuildUser     = "packer"
	BuildPassword = "packer"
	// buildSSHConfig lets the build user log in with its password (cloud images disable it).
	buildSSHConfig = "/etc/ssh/sshd_config.d/00-mesosimg-build.conf"
	// CDLabel is the volume label cloud-init's NoCloud datasource looks for.
	CDLabel = "cidata"
)

// Versions plugins.pkr.hcl requires (Packer ≥ 1.10 with `packer init`).
const (
	// Each has an upper bound: a new major version may drop or rename arguments (Packer
	// reads required_plugins with go-version constraints, where ", " is "and").
	PackerVersion = ">= 1.10.0, < 2.0.0"
	AmazonPlugin  = ">= 1.3.0, < 2.0.0"
	QEMUPlugin    = ">= 1.1.0, < 2.0.0"
)

// DefaultImages is where the qemu source writes its image, relative to where packer runs
// (never under the render's output directory, which a new render replaces).
const DefaultImages = "images"

const (
	// gp3's baseline throughput (MiB/s) and IOPS; Packer 1.6.6 insists on them for gp3.
	gp3Throughput = 125
	gp3IOPS       = 3000
	// sshTimeout covers a slow (tcg) boot of the qemu build machine.
	sshTimeout = "30m"
	// timestampRegex strips timestamp() down to 20060102150405.
	timestampRegex = "[- TZ:]"
)

// File is one rendered file, relative to the packer/ directory.
type File = render.File

// Render renders the Packer files of an image plan.
func Render(im *plan.Image) ([]File, error) {
	script, err := Script(im)
	if err != nil {
		return nil, err
	}
	userData, metaData, err := buildSeed(im)
	if err != nil {
		return nil, err
	}
	readme, err := templates.Render("README.md.tmpl", readmeData(im))
	if err != nil {
		return nil, err
	}
	return []File{
		{Path: TemplateFile, Data: Template(im), Mode: 0o644},
		{Path: PluginsFile, Data: Plugins(im), Mode: 0o644},
		{Path: ScriptFile, Data: []byte(script), Mode: 0o755},
		{Path: SeedDir + "/meta-data", Data: metaData, Mode: 0o644},
		{Path: SeedDir + "/user-data", Data: userData, Mode: 0o644},
		{Path: ReadmeFile, Data: []byte(readme), Mode: 0o644},
	}, nil
}

// hasAWS reports whether the amazon-ebs source is rendered (image.aws is given).
func hasAWS(im *plan.Image) bool { return im.Settings.AWS != nil }

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// variable is one input variable of the template.
type variable struct {
	name, typ, description string
	def                    cty.Value
}

// variables lists the template's input variables with the description's values as defaults.
func variables(im *plan.Image) []variable {
	s := im.Settings
	q := s.QEMU
	osImage := v1.OSImages[im.OS.ID]
	vars := []variable{
		{"image_name", "string", "Name prefix of the AMI and the qcow2 image; a UTC timestamp is appended.", cty.StringVal(orString(s.Name, v1.DefaultImageName(im.Cluster)))},
		{"disk_size", "number", "Disk size of the image in GiB (the AMI's root volume, the qcow2's virtual size).", cty.NumberIntVal(int64(intOr(s.DiskSize, v1.DefaultImageDiskSize)))},
	}
	if a := s.AWS; a != nil {
		tags := map[string]cty.Value{
			"mesosimg:cluster": cty.StringVal(im.Cluster),
			"mesosimg:os":      cty.StringVal(im.OS.ID),
		}
		for k, v := range a.Tags {
			tags[k] = cty.StringVal(v)
		}
		vars = append(vars,
			variable{"aws_region", "string", "AWS region the AMI is built in.", cty.StringVal(a.Region)},
			variable{"aws_instance_type", "string", "EC2 instance type of the build machine.", cty.StringVal(orString(a.InstanceType, v1.DefaultAWSInstanceType))},
			variable{"aws_source_ami_owner", "string", "Account owning the source AMI.", cty.StringVal(orString(a.SourceAMIOwner, osImage.AMIOwner))},
			variable{"aws_source_ami_name", "string", "Name filter of the source AMI (the newest match is used).", cty.StringVal(orString(a.SourceAMIName, osImage.AMIName))},
			variable{"aws_ssh_username", "string", "Login user of the source AMI.", cty.StringVal(orString(a.SSHUsername, osImage.AMIUser))},
			variable{"aws_tags", "map(string)", "Tags of the AMI and its snapshot.", cty.MapVal(tags)},
		)
	}
	vars = append(vars,
		variable{"qemu_source_url", "string", "Cloud image the qemu build starts from.", cty.StringVal(orString(q.SourceURL, osImage.CloudImageURL))},
		variable{"qemu_source_checksum", "string", "Checksum of qemu_source_url: file:<URL of a checksum list> (fetched, also by packer validate) or sha256:<hex>.", cty.StringVal(orString(q.SourceChecksum, osImage.CloudImageChecksum))},
		variable{"qemu_accelerator", "string", "qemu accelerator: kvm, or tcg where KVM is unavailable (much slower).", cty.StringVal(orString(q.Accelerator, v1.DefaultQEMUAccelerator))},
		variable{"qemu_memory", "number", "Memory of the qemu build machine in MiB.", cty.NumberIntVal(int64(intOr(q.Memory, v1.DefaultQEMUMemory)))},
		variable{"qemu_cpus", "number", "Processors of the qemu build machine.", cty.NumberIntVal(int64(intOr(q.CPUs, v1.DefaultQEMUCPUs)))},
		variable{"qemu_output_dir", "string", "Directory (relative to where packer runs: not inside the render's output) that receives <image_name>-<timestamp>/<image_name>-<timestamp>.qcow2.", cty.StringVal(DefaultImages)},
	)
	for _, p := range im.Packages {
		if p.Var != "" {
			vars = append(vars, variable{p.Var, "string", fmt.Sprintf("Version of %s to install; empty installs the newest.", p.Name), cty.StringVal(p.Version)})
		}
	}
	return vars
}

// Template renders mesos.pkr.hcl.
func Template(im *plan.Image) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	sources := []string{}
	comment(body,
		fmt.Sprintf("Packer template of the base image of cluster %s (%s), generated by mesosimg: edit", im.Cluster, im.OS.ID),
		"the description (cluster.yaml) and render again. One image serves every node; each node's",
		"user-data (install.method: preinstalled) configures it and starts its services.",
		"Build from outside the render's output directory (a new render replaces it), e.g.:",
		"  Packer >= 1.10:  packer init out/packer && packer build out/packer",
		"  Packer 1.6.6:    packer build out/packer/"+TemplateFile+"   (it bundles both builders)",
		"Variables default to the description's values; override them with -var name=value.",
	)
	body.AppendNewline()
	for _, v := range variables(im) {
		b := body.AppendNewBlock("variable", []string{v.name}).Body()
		b.SetAttributeRaw("type", typeTokens(v.typ))
		b.SetAttributeValue("default", v.def)
		b.SetAttributeValue("description", cty.StringVal(v.description))
		body.AppendNewline()
	}
	locals := body.AppendNewBlock("locals", nil).Body()
	comment(locals, "UTC build time as 20060102150405, appended to the image names.")
	locals.SetAttributeRaw("timestamp", hclwrite.TokensForFunctionCall("regex_replace",
		hclwrite.TokensForFunctionCall("timestamp"),
		hclwrite.TokensForValue(cty.StringVal(timestampRegex)),
		hclwrite.TokensForValue(cty.StringVal(""))))
	body.AppendNewline()
	name := []any{ref("var", "image_name"), "-", ref("local", "timestamp")}
	if hasAWS(im) {
		awsSource(body, im, name)
		body.AppendNewline()
		sources = append(sources, "source.amazon-ebs."+SourceName)
	}
	qemuSource(body, im, name)
	body.AppendNewline()
	sources = append(sources, "source.qemu."+SourceName)

	build := body.AppendNewBlock("build", nil).Body()
	build.SetAttributeValue("sources", stringList(sources))
	build.AppendNewline()
	shell := build.AppendNewBlock("provisioner", []string{"shell"}).Body()
	comment(shell, "Runs as root on every source, stops at the first error (set -euo pipefail in the script).")
	shell.SetAttributeRaw("script", quoted(ref("path", "root"), "/"+ScriptFile))
	shell.SetAttributeValue("execute_command", cty.StringVal("chmod +x {{ .Path }}; sudo -n env {{ .Vars }} {{ .Path }}"))
	var env []hclwrite.Tokens
	for _, p := range im.Packages {
		if p.Var != "" {
			env = append(env, quoted(p.Env()+"=", ref("var", p.Var)))
		}
	}
	if len(env) > 0 {
		shell.SetAttributeRaw("environment_vars", hclwrite.TokensForTuple(env))
	}
	return hclwrite.Format(f.Bytes())
}

func awsSource(body *hclwrite.Body, im *plan.Image, name []any) {
	src := body.AppendNewBlock("source", []string{"amazon-ebs", SourceName}).Body()
	comment(src, "An AMI, built on an instance started from the newest matching source AMI.")
	src.SetAttributeTraversal("region", ref("var", "aws_region"))
	src.SetAttributeTraversal("instance_type", ref("var", "aws_instance_type"))
	src.SetAttributeRaw("ami_name", quoted(name...))
	src.SetAttributeValue("ami_description", cty.StringVal(fmt.Sprintf("Mesos base image of cluster %s (%s), built from mesosimg's Packer template", im.Cluster, im.OS.ID)))
	src.SetAttributeTraversal("ssh_username", ref("var", "aws_ssh_username"))
	comment(src,
		"Packer logs in with a temporary key pair that cloud-init adds to the login user's",
		"authorized_keys; this removes it before the AMI is made (cloud-init clean does not).")
	src.SetAttributeValue("ssh_clear_authorized_keys", cty.True)
	src.SetAttributeTraversal("tags", ref("var", "aws_tags"))
	src.SetAttributeTraversal("snapshot_tags", ref("var", "aws_tags"))
	src.AppendNewline()
	filter := src.AppendNewBlock("source_ami_filter", nil).Body()
	filter.SetAttributeRaw("filters", hclwrite.TokensForObject([]hclwrite.ObjectAttrTokens{
		{Name: hclwrite.TokensForIdentifier("architecture"), Value: hclwrite.TokensForValue(cty.StringVal("x86_64"))},
		{Name: hclwrite.TokensForIdentifier("name"), Value: hclwrite.TokensForTraversal(ref("var", "aws_source_ami_name"))},
		{Name: hclwrite.TokensForIdentifier("root-device-type"), Value: hclwrite.TokensForValue(cty.StringVal("ebs"))},
		{Name: hclwrite.TokensForIdentifier("virtualization-type"), Value: hclwrite.TokensForValue(cty.StringVal("hvm"))},
	}))
	filter.SetAttributeRaw("owners", hclwrite.TokensForTuple([]hclwrite.Tokens{hclwrite.TokensForTraversal(ref("var", "aws_source_ami_owner"))}))
	filter.SetAttributeValue("most_recent", cty.True)
	src.AppendNewline()
	disk := src.AppendNewBlock("launch_block_device_mappings", nil).Body()
	comment(disk, "The root volume, grown to disk_size (the device is the source AMI's root device).")
	disk.SetAttributeValue("device_name", cty.StringVal(v1.OSImages[im.OS.ID].AMIRootDevice))
	disk.SetAttributeTraversal("volume_size", ref("var", "disk_size"))
	disk.SetAttributeValue("volume_type", cty.StringVal("gp3"))
	disk.SetAttributeValue("throughput", cty.NumberIntVal(gp3Throughput))
	disk.SetAttributeValue("iops", cty.NumberIntVal(gp3IOPS))
	disk.SetAttributeValue("delete_on_termination", cty.True)
}

func qemuSource(body *hclwrite.Body, im *plan.Image, name []any) {
	src := body.AppendNewBlock("source", []string{"qemu", SourceName}).Body()
	comment(src, "A qcow2 image, built in a local VM booted from the distribution's cloud image.")
	src.SetAttributeTraversal("iso_url", ref("var", "qemu_source_url"))
	src.SetAttributeTraversal("iso_checksum", ref("var", "qemu_source_checksum"))
	src.SetAttributeValue("disk_image", cty.True)
	src.SetAttributeRaw("disk_size", quoted(ref("var", "disk_size"), "G"))
	src.SetAttributeValue("disk_compression", cty.True)
	src.SetAttributeValue("format", cty.StringVal("qcow2"))
	src.SetAttributeValue("headless", cty.True)
	src.SetAttributeTraversal("accelerator", ref("var", "qemu_accelerator"))
	src.SetAttributeTraversal("memory", ref("var", "qemu_memory"))
	src.SetAttributeTraversal("cpus", ref("var", "qemu_cpus"))
	src.SetAttributeRaw("output_directory", quoted(append([]any{ref("var", "qemu_output_dir"), "/"}, name...)...))
	src.SetAttributeRaw("vm_name", quoted(append(append([]any{}, name...), ".qcow2")...))
	src.AppendNewline()
	comment(src,
		"Cloud images have no password: the NoCloud seed in "+SeedDir+"/ (a CD labelled cidata, made by",
		"Packer with xorriso or mkisofs) creates a throwaway build user; SSH is forwarded on 127.0.0.1",
		"only, and the shutdown command deletes the user before the disk is saved.")
	src.SetAttributeRaw("cd_files", hclwrite.TokensForTuple([]hclwrite.Tokens{
		quoted(ref("path", "root"), "/"+SeedDir+"/meta-data"),
		quoted(ref("path", "root"), "/"+SeedDir+"/user-data"),
	}))
	src.SetAttributeValue("cd_label", cty.StringVal(CDLabel))
	src.SetAttributeValue("qemuargs", cty.TupleVal([]cty.Value{
		stringList([]string{"-netdev", "user,id=user.0,hostfwd=tcp:127.0.0.1:{{ .SSHHostPort }}-:22"}),
	}))
	src.SetAttributeValue("ssh_username", cty.StringVal(BuildUser))
	src.SetAttributeValue("ssh_password", cty.StringVal(BuildPassword))
	src.SetAttributeValue("ssh_timeout", cty.StringVal(sshTimeout))
	src.SetAttributeValue("shutdown_command", cty.StringVal(shutdownCommand))
}

// shutdownCommand removes the build user's login (its sudo rule, the SSH setting that let it
// log in with a password, the user) and powers off; provision.sh already ran cloud-init clean.
// If the user survived, its account is locked (no password, no shell, expired) and the machine
// does not power off: Packer's shutdown step times out and, under the default -on-error=cleanup,
// deletes the output directory, so no image is kept. Under -on-error=abort Packer skips that
// cleanup and leaves the disk in the output directory (never reported as an artifact): the
// build user in it can no longer log in.
var shutdownCommand = fmt.Sprintf("sudo -n sh -c '"+
	"rm -f %[2]s /etc/sudoers.d/90-cloud-init-users; "+
	"userdel -f -r %[1]s 2>/dev/null; "+
	"if id %[1]s >/dev/null 2>&1; then usermod -L -e 1 -s /usr/sbin/nologin %[1]s; echo mesosimg: cannot delete the build user %[1]s, locked it, not powering off >&2; exit 1; fi; "+
	"shutdown -P now'", BuildUser, buildSSHConfig)

// Plugins renders plugins.pkr.hcl: the plugins `packer init` installs for Packer ≥ 1.10.
func Plugins(im *plan.Image) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	comment(body,
		"Plugins of "+TemplateFile+" for Packer >= 1.10: `packer init .` installs them.",
		"Packer 1.6.6 (Debian's package) bundles both builders and rejects this block:",
		"there, build "+TemplateFile+" alone (packer build "+TemplateFile+").")
	req := body.AppendNewBlock("packer", nil).Body()
	req.SetAttributeValue("required_version", cty.StringVal(PackerVersion))
	plugins := req.AppendNewBlock("required_plugins", nil).Body()
	if hasAWS(im) {
		plugins.SetAttributeValue("amazon", cty.ObjectVal(map[string]cty.Value{
			"source":  cty.StringVal("github.com/hashicorp/amazon"),
			"version": cty.StringVal(AmazonPlugin),
		}))
	}
	plugins.SetAttributeValue("qemu", cty.ObjectVal(map[string]cty.Value{
		"source":  cty.StringVal("github.com/hashicorp/qemu"),
		"version": cty.StringVal(QEMUPlugin),
	}))
	return hclwrite.Format(f.Bytes())
}

// ref is a traversal such as var.image_name.
func ref(root string, attrs ...string) hcl.Traversal {
	t := hcl.Traversal{hcl.TraverseRoot{Name: root}}
	for _, a := range attrs {
		t = append(t, hcl.TraverseAttr{Name: a})
	}
	return t
}

// quoted is a string template: literal strings (escaped) and ${traversal} interpolations.
func quoted(parts ...any) hclwrite.Tokens {
	toks := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			lit := hclwrite.TokensForValue(cty.StringVal(p))
			toks = append(toks, lit[1:len(lit)-1]...) // without the quotes
		case hcl.Traversal:
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
			toks = append(toks, hclwrite.TokensForTraversal(p)...)
			toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
		default:
			panic(fmt.Sprintf("quoted: %T", p))
		}
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

// typeTokens is a type constraint: string, number, or map(string).
func typeTokens(typ string) hclwrite.Tokens {
	if inner, ok := strings.CutPrefix(typ, "map("); ok {
		return hclwrite.TokensForFunctionCall("map", hclwrite.TokensForIdentifier(strings.TrimSuffix(inner, ")")))
	}
	return hclwrite.TokensForIdentifier(typ)
}

func stringList(items []string) cty.Value {
	vals := make([]cty.Value, len(items))
	for i, s := range items {
		vals[i] = cty.StringVal(s)
	}
	return cty.TupleVal(vals)
}

// comment appends # comment lines.
func comment(body *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+l, " ") + "\n")})
	}
	body.AppendUnstructuredTokens(toks)
}
