# A deliberately broken template: the qemu source has an argument Packer does not know
# (disk_sise for disk_size). It is formatted, so only `packer validate` can catch it; the
# test expects validate to fail, which shows the check of the rendered templates bites.
source "qemu" "mesos" {
  iso_url      = "https://images.example.internal/base.img"
  iso_checksum = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
  disk_image   = true
  disk_sise    = "20G"
  ssh_username = "packer"
  ssh_password = "packer"
}

build {
  sources = ["source.qemu.mesos"]
}
