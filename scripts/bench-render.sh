#!/usr/bin/env bash
# Times a whole `mesosimg render` of a 10,000-node description (every format) onto tmpfs against
# `cp -a` of the tree it wrote, measured right after, RUNS times; prints each pair and the medians.
#   NODES (10000), RUNS (5), TMPFS (/dev/shm): the description's size, the repetitions, where to write.
set -euo pipefail
cd "$(dirname "$0")/.."
nodes=${NODES:-10000}
runs=${RUNS:-5}
tmpfs=${TMPFS:-/dev/shm}
work=$(mktemp -d)
out=$(mktemp -d "$tmpfs/mesosimg-bench-XXXXXX")
trap 'rm -rf "$work" "$out"' EXIT
go build -o "$work/mesosimg" ./cmd/mesosimg

# The description of generator's BenchmarkRender10000: 3 ZooKeeper masters (Marathon on the
# first), the rest agents, on 10.0.0.0/8.
{
  echo "version: 1"
  echo "cluster: big"
  echo "network: {gateway: 10.0.0.1, dns: [10.0.0.2], prefix: 8}"
  echo "nodes:"
  for ((i = 0; i < nodes; i++)); do
    j=$((i + 10)) roles="[agent]"
    ((i < 3)) && roles="[zookeeper, master]"
    ((i == 0)) && roles="[zookeeper, master, marathon]"
    printf '  - {name: node%05d, ip: 10.%d.%d.%d, roles: %s}\n' "$i" $((j >> 16)) $(((j >> 8) & 255)) $((j & 255)) "$roles"
  done
} >"$work/cluster.yaml"
# The first render writes the credentials file; it is not timed.
"$work/mesosimg" render "$work/cluster.yaml" -o "$out/render" 2>/dev/null
echo "$(find "$out/render" -type f | wc -l) files, $(du -sh "$out/render" | cut -f1)"

now() { date +%s%N; }
renders=() copies=() ratios=()
for ((k = 1; k <= runs; k++)); do
  rm -rf "$out/render" "$out/copy"
  s=$(now)
  "$work/mesosimg" render "$work/cluster.yaml" -o "$out/render" 2>/dev/null
  r=$(($(now) - s))
  s=$(now)
  cp -a "$out/render" "$out/copy"
  c=$(($(now) - s))
  renders+=("$r") copies+=("$c") ratios+=("$(awk -v r="$r" -v c="$c" 'BEGIN { printf "%.4f", r / c }')")
  awk -v r="$r" -v c="$c" 'BEGIN { printf "render %6.2f s   cp -a %6.2f s   ratio %.2f\n", r / 1e9, c / 1e9, r / c }'
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
awk -v r="$(median "${renders[@]}")" -v c="$(median "${copies[@]}")" -v q="$(median "${ratios[@]}")" -v n="$runs" \
  'BEGIN { printf "median of %d: render %.2f s, cp -a %.2f s (ratio of medians %.2f, median ratio %.2f)\n", n, r / 1e9, c / 1e9, r / c, q }'
