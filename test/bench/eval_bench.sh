#!/usr/bin/env bash
# Benchmark: wall time of the default comparison, kvnand-eval on platforms/evaluations/default.json
# (target: under 10 minutes on this project's 2-core machine, figures and report included).
# Usage: test/bench/eval_bench.sh [path/to/kvnand-eval] [matrix]
#   (defaults: build/sc_main/kvnand-eval, platforms/evaluations/default.json)
# A platform file the matrix names but that does not exist yet (platforms/base1.json, base2.json
# while the baselines are being written) is left out, with a note, so the rest can be measured.
set -euo pipefail
cd "$(dirname "$0")/../.."
tool=${1:-build/sc_main/kvnand-eval}
matrix=${2:-platforms/evaluations/default.json}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

python3 - "$matrix" "$out/matrix.json" <<'PY'
import json, os, sys
source, target = sys.argv[1], sys.argv[2]
m = json.load(open(source))
here = os.path.dirname(os.path.abspath(source))
def absolute(path):
    return path if os.path.isabs(path) else os.path.join(here, path)
kept = [p for p in m["platforms"] if os.path.exists(absolute(p["file"]))]
for p in m["platforms"]:
    if p not in kept:
        print(f"== left out: {p['name']} ({p['file']} does not exist)")
for p in kept:
    p["file"] = absolute(p["file"])
m["models"] = [absolute(x) if "/" in x or x.endswith(".json") else x for x in m["models"]]
for d in m.get("dse", []):
    for key in ("sweep", "discrete_platform", "compact_platform"):
        if key in d:
            d[key] = absolute(d[key])
m["platforms"] = kept
if m["baseline"] not in [p["name"] for p in kept]:
    m["baseline"] = kept[0]["name"]
    print(f"== baseline: {m['baseline']}")
json.dump(m, open(target, "w"), indent=1)
PY

jobs=$(nproc)
echo "== kvnand-eval --matrix $matrix --jobs $jobs"
start=$(date +%s.%N)
status=0
"$tool" --matrix "$out/matrix.json" --out "$out/eval" --jobs "$jobs" --quiet || status=$?
end=$(date +%s.%N)
python3 - "$out/eval/run.json" "$start" "$end" "$status" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
points, wall = run["points"], float(sys.argv[3]) - float(sys.argv[2])
print(f"points: {points['ok']} ok, {points['oom']} oom, {points['failed']} failed; exit status {sys.argv[4]}")
print(f"runs only: {run['wall_s']:.1f} s wall; with tables, figures and report: {wall:.1f} s wall (target < 600 s)")
PY
