#!/usr/bin/env bash
# Times mesosimg's seed images against cloud-localds (Debian's cloud-image-utils) on the same
# 200 rendered nodes and prints the ratio, two ways:
#   per seed: the same work for both — read a node's three files, write its seed.iso to disk —
#             one cloud-localds process per node against mesosimg's writer (scripts/seedtime);
#   whole:    a whole `mesosimg render --format iso` (load, validate, plan, render, write) per node.
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
go build -o "$work/seedtime" ./scripts/seedtime
perseed=$("$work/seedtime" "$work/files/nodes")
s=$(now)
"$work/mesosimg" render "$work/cluster.yaml" -o "$work/out-iso" --format iso
whole=$(( $(now) - s ))

count=$(ls "$work"/out-iso/nodes | wc -l)
[ "$count" -eq "$nodes" ] || { echo "expected $nodes seeds, got $count" >&2; exit 1; }
awk -v n="$nodes" -v a=$((t1 - t0)) -v b="$whole" -v p="$perseed" 'BEGIN {
  printf "cloud-localds:          %8.3f ms per seed (%d seeds)\n", a / n / 1e6, n
  printf "mesosimg, per seed:     %8.3f ms  -> %6.1fx faster\n", p / 1e6, a / n / p
  printf "mesosimg, whole render: %8.3f ms per node (render --format iso) -> %6.1fx faster\n", b / n / 1e6, a / b
}'
