#!/usr/bin/env bash
# Benchmark: the cost of tracing one decode token of LLaMA3.1-8B at a 1K context on kvnand-d.
# Usage: test/bench/trace_bench.sh [path/to/kvnand-sim]   (default: build/sc_main/kvnand-sim)
# Prints wall time (median of 5 runs) and file sizes without traces, with VCD + timeline +
# command CSV, with the VCD alone, a windowed VCD, a scoped VCD, and the VCD with plane detail.
# Target (issue 5): tracing at most doubles the run time; windowed or scoped traces are
# proportionally smaller.
set -euo pipefail
cd "$(dirname "$0")/../.."
sim=${1:-build/sc_main/kvnand-sim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run=("$sim" --platform platforms/kvnand-d.json --model llama3.1-8b --context 1024 --tokens 1 --quiet)

# Median wall seconds of five runs of the given extra options.
timed() {
  local times=()
  for _ in 1 2 3 4 5; do
    rm -rf "$out/run" && mkdir -p "$out/run"
    local start end
    start=$(date +%s.%N)
    "${run[@]}" --out "$out/run" "$@" 2>/dev/null
    end=$(date +%s.%N)
    times+=("$(python3 -c "print($end - $start)")")
  done
  printf "%s\n" "${times[@]}" | sort -g | sed -n 3p
}

size_of() { python3 -c "import os,sys; print(f'{sum(os.path.getsize(f) for f in sys.argv[1:]) / 2**20:.1f} MiB')" "$@"; }

base=$(timed)
printf '%-34s %7.3f s\n' "no traces" "$base"
report() {
  local name=$1 seconds=$2
  shift 2
  printf '%-34s %7.3f s  x%.2f  %s\n' "$name" "$seconds" "$(python3 -c "print($seconds / $base)")" "$(size_of "$@")"
}
t=$(timed --vcd "$out/run/w.vcd" --timeline "$out/run/t.json" --commands "$out/run/c.csv")
report "VCD + timeline + commands" "$t" "$out/run/w.vcd" "$out/run/t.json" "$out/run/c.csv"
echo "    VCD $(size_of "$out/run/w.vcd"), timeline $(size_of "$out/run/t.json"), commands $(size_of "$out/run/c.csv") ($(($(wc -l < "$out/run/c.csv") - 1)) commands)"
end_ps=$(python3 -c "import json; print(round(json.load(open('$out/run/report.json'))['simulated_time_s'] * 1e12))")
t=$(timed --vcd "$out/run/w.vcd")
report "VCD" "$t" "$out/run/w.vcd"
t=$(timed --vcd "$out/run/w.vcd" --vcd-window "0ps:$((end_ps / 10))ps")
report "VCD, first 10% of the time" "$t" "$out/run/w.vcd"
t=$(timed --vcd "$out/run/w.vcd" --vcd-scope 'flash.channel0,npu,dataflow')
report "VCD, channel 0 + npu + dataflow" "$t" "$out/run/w.vcd"
t=$(timed --vcd "$out/run/w.vcd" --vcd-planes)
report "VCD with plane detail" "$t" "$out/run/w.vcd"
