#!/usr/bin/env bash
# Benchmark: simulated page operations per wall-second at page granularity, and peak memory.
# Usage: test/bench/flash_bench.sh [path/to/kvnand-sim]   (default: build/sc_main/kvnand-sim)
# Runs read-heavy patterns across all 16 dies of kvnand-c16 and prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
sim=${1:-build/sc_main/kvnand-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {
  local name=$1; shift
  "$sim" --platform platforms/kvnand-c16.json --out "$out/$name" --quiet "$@"
  python3 - "$out/$name/report.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ops = r["page_ops"]["reads"] + r["page_ops"]["programs"] + r["page_ops"]["erases"]
h = r["host"]
print(f"{sys.argv[2]:<24} {ops:>10} page ops  {h['wall_s']:7.3f} s wall  "
      f"{h['page_ops_per_wall_s'] / 1e6:5.2f} M page ops/s  {h['peak_rss_MiB']:6.1f} MiB peak  "
      f"{r['bandwidth_GBps']:6.2f} GB/s simulated")
PY
}

run rand-read-qd256 --pattern rand-read --requests 4000000 --queue-depth 256
run seq-read-qd512 --pattern seq-read --requests 4000000 --queue-depth 512
run mixed-70r-qd256 --pattern mixed --read-fraction 0.7 --requests 4000000 --queue-depth 256
