package v1

import "strings"

// Limits and names of the installers' kernel command lines (render/netboot writes them; its
// tests hold the renderer to what is declared here, which validation relies on).
const (
	// MaxCmdline is the longest kernel command line x86 Linux takes (COMMAND_LINE_SIZE less the NUL).
	MaxCmdline = 2047
	// MaxEnvParams is how many name=value parameters Linux hands to init as environment
	// variables (MAX_INIT_ENVS is 32; HOME and TERM take two).
	MaxEnvParams = 30
	// MaxGeneratedEnvParams is how many of those mesosimg may write itself (a Debian static
	// install with a MAC, a domain and PXELINUX's BOOT_IMAGE).
	MaxGeneratedEnvParams = 17
	// MaxExtraEnvArgs is how many name=value installer.kernel_args fit beside them.
	MaxExtraEnvArgs = MaxEnvParams - MaxGeneratedEnvParams
	// cmdlineFixed bounds everything of a command line that CmdlineBound does not count by
	// value: parameter names, the md5 checksum, addresses and netmask (15 bytes each at most),
	// BOOTIF, separators, and PXELINUX's "BOOT_IMAGE=" and "initrd=".
	cmdlineFixed = 560
)

// generatedKernelArgs are the parameter names mesosimg writes (besides netcfg/… and preseed/…).
var generatedKernelArgs = map[string]bool{
	"auto": true, "priority": true, "url": true, "locale": true, "keymap": true, "hostname": true, "domain": true,
	"interface": true, "BOOTIF": true, "BOOT_IMAGE": true, "initrd": true, "autoinstall": true, "root": true,
	"ramdisk_size": true, "ip": true, "iso-url": true, "cloud-config-url": true, "ds": true,
}

// GeneratedKernelArg reports whether mesosimg writes the kernel parameter name itself, so
// installer.kernel_args may not repeat it.
func GeneratedKernelArg(name string) bool {
	return generatedKernelArgs[name] || strings.HasPrefix(name, "netcfg/") || strings.HasPrefix(name, "preseed/")
}

// EnvParam reports whether Linux hands the kernel parameter to init as an environment
// variable: name=value with no '.' in the name (a module's parameter stays with the kernel).
func EnvParam(arg string) bool {
	k, _, ok := strings.Cut(arg, "=")
	return ok && !strings.Contains(k, ".")
}

// CmdlineBound is an upper bound of the length of every node's installer command line with the
// loaders' additions (PXELINUX adds the most), from the description as written (before
// defaults): what varies by value is counted, the rest is cmdlineFixed.
func CmdlineBound(c *Cluster) int {
	in := c.Installer
	name := 0
	for _, n := range c.Nodes {
		name = max(name, len(n.Name))
	}
	kernel, initrd := len(in.KernelURL), len(in.InitrdURL)
	if kernel == 0 || initrd == 0 {
		// The netboot default under the installer mirror (or whatever it defaults to).
		mirror := max(len(in.Mirror), len(c.Install.Mirror), len(DefaultDebianArchive), len(DefaultUbuntuArchive))
		path := len("/dists/bookworm" + debianNetbootDir + "initrd.gz")
		kernel, initrd = max(kernel, mirror+path), max(initrd, mirror+path)
	}
	locale, keyboard := max(len(in.Locale), len(DefaultLocale)), max(len(in.Keyboard), len(DefaultKeyboard))
	n := cmdlineFixed + len(strings.TrimSuffix(in.AnswersURL, "/")) + kernel + initrd + len(in.ISOURL) +
		len(c.Domain) + 2*name + locale + keyboard
	for _, a := range in.KernelArgs {
		n += len(a) + 1
	}
	return n
}
