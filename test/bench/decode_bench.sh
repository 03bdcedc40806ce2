#!/usr/bin/env bash
# Benchmark: wall time and peak memory of decode runs.
# Usage: test/bench/decode_bench.sh [path/to/kvnand-sim]   (default: build/sc_main/kvnand-sim)
#  1. one token of LLaMA3.1-70B at a 100K context on kvnand-d (target: under 1 s wall, under 1 GiB);
#  2. five models x four contexts x both variants x 4 tokens (target: under 3 minutes in all).
set -euo pipefail
cd "$(dirname "$0")/../.."
sim=${1:-build/sc_main/kvnand-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

summary() {
  python3 - "$1" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if r["oom"]["value"]:
    print(f"{sys.argv[2]:<40} out of memory")
else:
    h = r["host"]
    print(f"{sys.argv[2]:<40} {r['tokens_per_s']:9.3f} tok/s  {r['latency_per_token_s'] * 1e3:9.3f} ms/token  "
          f"{h['wall_s']:6.3f} s wall  {h['peak_rss_MiB']:6.1f} MiB peak")
PY
}

echo "== one token, llama3.1-70b, context 100000, kvnand-d"
"$sim" --platform platforms/kvnand-d.json --model llama3.1-70b --context 100000 --tokens 1 --out "$out/70b" --quiet
summary "$out/70b/report.json" "llama3.1-70b@100000 kvnand-d"

echo "== matrix: 5 models x 4 contexts x 2 variants x 4 tokens"
start=$(date +%s.%N)
for platform in kvnand-c16 kvnand-d; do
  for model in llama2-7b llama3.1-8b llama3.1-70b opt-30b mixtral-8x7b; do
    for context in 128 1024 10240 102400; do
      name="$model@$context-$platform"
      status=0
      "$sim" --platform "platforms/$platform.json" --model "$model" --context "$context" --tokens 4 \
        --out "$out/$name" --quiet 2>/dev/null || status=$?
      if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then echo "$name failed with status $status"; exit 1; fi
      summary "$out/$name/report.json" "$name"
    done
  done
done
end=$(date +%s.%N)
python3 -c "print(f'matrix wall time: {$end - $start:.1f} s')"
