#!/usr/bin/env bash
# Times mesosimg's seed images against cloud-localds (Debian's cloud-image-utils) on the same
# 200 rendered nodes and prints the ratio, two ways:
#   per seed: what seeds add to a render (render with iso minus render without), against one
#             cloud-localds call per node — the same work, three files in, one image out, on disk;
#   whole:    a whole `render --format iso` (load, validate, plan, render, write) per node.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cloud-localds >/dev/null || { echo "cloud-localds not found: apt-get install cloud-image-utils (make deps)" >&2; exit 1; }
nodes=${NODES:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/mesosimg" ./cmd/mesosimg

{
  echo "cluster: bench"
  echo "network: {gateway: 10.0.0.1, dns: [10.0.0.2], prefix: 16}"
  echo "nodes:"
  for i in $(seq 1 "$nodes"); do
    roles="[agent]"; [ "$i" -le 3 ] && roles="[zookeeper, master, marathon]"
    echo "  - {name: node$i, ip: 10.0.$((i / 250)).$((i % 250 + 2)), roles: $roles}"
  done
} > "$work/cluster.yaml"

"$work/mesosimg" render "$work/cluster.yaml" -o "$work/files" --format cloud-init

now() { date +%s%N; }
t0=$(now)
for d in "$work"/files/nodes/*/; do
  cloud-localds -N "$d/network-config" "$d/seed.iso" "$d/user-data" "$d/meta-data"
done
t1=$(now)
# best of 3 for each mesosimg timing, to keep other load on the machine out of the figures
best() { # FORMATS: prints the fastest of three renders, in ns
  local min=0 t s
  for _ in 1 2 3; do
    s=$(now); "$work/mesosimg" render "$work/cluster.yaml" -o "$work/out-$1" --format "$1"; t=$(( $(now) - s ))
    { [ "$min" -eq 0 ] || [ "$t" -lt "$min" ]; } && min=$t
  done
  echo "$min"
}
whole=$(best iso)
with=$(best cloud-init,iso)
without=$(best cloud-init)
marginal=$(( with - without ))
[ "$marginal" -gt 0 ] || marginal=1

count=$(ls "$work"/out-iso/nodes | wc -l)
[ "$count" -eq "$nodes" ] || { echo "expected $nodes seeds, got $count" >&2; exit 1; }
awk -v n="$nodes" -v a=$((t1 - t0)) -v b="$whole" -v m="$marginal" 'BEGIN {
  printf "cloud-localds:          %8.3f ms per seed (%d seeds)\n", a / n / 1e6, n
  printf "mesosimg, per seed:     %8.3f ms  -> %6.1fx faster\n", m / n / 1e6, a / m
  printf "mesosimg, whole render: %8.3f ms per node (render --format iso) -> %6.1fx faster\n", b / n / 1e6, a / b
}'
