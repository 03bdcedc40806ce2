#!/usr/bin/env bash
# Benchmark: slowdown of the RTL-scheduled flash microbenchmark against the TLM-scheduled one at
# the same controller clock (500 MHz), and the clock edges the RTL needed.
# Usage: test/bench/cosim_bench.sh [path/to/kvnand-sim]   (default: build/sc_main/kvnand-sim)
# Runs the same patterns as the flash benchmark on kvnand-c16 with fewer requests, three ways:
# unclocked TLM scheduler, clocked TLM scheduler, RTL scheduler; prints one line per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
sim=${1:-build/sc_main/kvnand-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
clock=500

run() {
  local name=$1 scheduler=$2; shift 2
  local clock_set=()
  [[ $scheduler == unclocked ]] || clock_set=(--set controller.clock_MHz=$clock --set controller.scheduler=$scheduler)
  "$sim" --platform platforms/kvnand-c16.json --out "$out/$name-$scheduler" --quiet "${clock_set[@]}" "$@"
  python3 - "$out/$name-$scheduler/report.json" "$name" "$scheduler" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ops = r["page_ops"]["reads"] + r["page_ops"]["programs"] + r["page_ops"]["erases"]
h = r["host"]
print(f"{sys.argv[2]:<20} {sys.argv[3]:<10} {ops:>8} page ops  {h['wall_s']:7.3f} s wall  "
      f"{r['simulated_time_s'] * 1e3:9.3f} ms simulated")
PY
}

compare() {
  local name=$1; shift
  for scheduler in unclocked tlm rtl; do run "$name" "$scheduler" "$@"; done
  python3 - "$out" "$name" <<'PY'
import json, sys
wall = {s: json.load(open(f"{sys.argv[1]}/{sys.argv[2]}-{s}/report.json"))["host"]["wall_s"] for s in ("tlm", "rtl")}
print(f"{sys.argv[2]:<20} slowdown rtl / tlm at the same clock: {wall['rtl'] / wall['tlm']:.1f}x")
PY
}

compare rand-read-qd256 --pattern rand-read --requests 200000 --queue-depth 256
compare seq-read-qd512 --pattern seq-read --requests 200000 --queue-depth 512
compare mixed-70r-qd256 --pattern mixed --read-fraction 0.7 --requests 200000 --queue-depth 256
