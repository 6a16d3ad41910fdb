# Plugins of mesos.pkr.hcl for Packer >= 1.10: `packer init .` installs them.
# Packer 1.6.6 (Debian's package) bundles both builders and rejects this block:
# there, build mesos.pkr.hcl alone (packer build mesos.pkr.hcl).
packer {
  required_version = ">= 1.10.0, < 2.0.0"
  required_plugins {
    qemu = {
      source  = "github.com/hashicorp/qemu"
      version = ">= 1.1.0, < 2.0.0"
    }
  }
}
