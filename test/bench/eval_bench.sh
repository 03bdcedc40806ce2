#!/usr/bin/env bash
# Benchmark: wall time of the default comparison, kvnand-eval on platforms/evaluations/default.json
# (target: under 10 minutes on this project's 2-core machine, figures and report included).
# Usage: test/bench/eval_bench.sh [path/to/kvnand-eval] [matrix]
#   (defaults: build/sc_main/kvnand-eval, platforms/evaluations/default.json)
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=${1:-build/sc_main/kvnand-eval}
matrix=${2:-platforms/evaluations/default.json}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

jobs=$(nproc)
echo "== kvnand-eval --matrix $matrix --jobs $jobs"
start=$(date +%s.%N)
status=0
"$tool" --matrix "$matrix" --out "$out/eval" --jobs "$jobs" --quiet || status=$?
end=$(date +%s.%N)
python3 - "$out/eval/run.json" "$start" "$end" "$status" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
points, wall = run["points"], float(sys.argv[3]) - float(sys.argv[2])
print(f"points: {points['ok']} ok, {points['oom']} oom, {points['failed']} failed; exit status {sys.argv[4]}")
print(f"runs only: {run['wall_s']:.1f} s wall; with tables, figures and report: {wall:.1f} s wall (target < 600 s)")
PY
