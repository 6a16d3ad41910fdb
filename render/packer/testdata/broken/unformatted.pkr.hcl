# A valid template that is not formatted the way `packer fmt` writes it (the = signs are not
# aligned): the test expects `packer fmt -check` to fail on it and `packer validate` to pass.
source "qemu" "mesos" {
  iso_url = "https://images.example.internal/base.img"
  iso_checksum = "sha256:0000000000000000000000000000000000000000000000000000000000000000"
  disk_image = true
  ssh_username = "packer"
  ssh_password = "packer"
}

build {
  sources = ["source.qemu.mesos"]
}
