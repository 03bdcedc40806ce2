#!/usr/bin/env bash
# Regenerates the screenshots in docs/images/ from a kvnand-sim build, headless:
#   gtkwave-decode.png  GTKWave showing one decoder layer of a llama3.1-8b decode step on kvnand-d
#                       (--vcd with --vcd-window), opened through the .gtkw save file the run writes.
#   timeline.png        the --timeline JSON of the same run (no window) in speedscope: the dataflow
#                       track, zoomed to the same layer.
#   gtkwave-rtl-cosim.png  a co-simulated flash microbenchmark (the RTL command scheduler, needs a
#                       build with Verilator): flash channels and the scheduler's ports together.
#
# Usage: docs/screenshots.sh [path/to/kvnand-sim]     (default: build/sc_main/kvnand-sim)
# A relative path is taken from the current directory; the images always go to docs/images/ of
# the repository holding this script. Nothing in the build or the tests runs it.
#
# Needs: gtkwave 3.3 built with Tcl (as Debian's is), xvfb-run and Xvfb, xdotool, ImageMagick
# (import, convert), chromium, node, and npm, which fetches speedscope (version pinned below) into
# a temporary folder; set SPEEDSCOPE_DIR to an unpacked speedscope package to skip the download.
# speedscope's toolbar icons need an emoji font (e.g. fonts-noto-color-emoji), else they are boxes.
# Chromium's chrome://tracing is not used: Chromium 156 has no working one any more.
# Everything runs on a private X server; temporary files are removed on exit.
set -euo pipefail

readonly SPEEDSCOPE_VERSION=1.25.0
readonly SCREEN_W=1600 SCREEN_H=1000
readonly LAYER=1                # the decoder layer both pictures show: the first after the prologue
readonly MARGIN_PERCENT=2       # of the layer's span, shown before and after it
readonly SPEEDSCOPE_CROP_H=210  # speedscope's toolbar, minimap, the dataflow rows and a tooltip
readonly WAIT_S=60              # longest wait for a window or a drawing

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$script_dir")
sim=${1:-$repo/build/sc_main/kvnand-sim}

die() { echo "screenshots.sh: $*" >&2; exit 1; }

# Re-run under a private X server of a known size (xvfb-run -a picks a free display).
if [[ -z ${KVNAND_SHOTS_XVFB:-} ]]; then
  for tool in xvfb-run Xvfb gtkwave xdotool import convert chromium node; do
    command -v "$tool" >/dev/null || die "needs $tool (see the top of this script)"
  done
  [[ -n ${SPEEDSCOPE_DIR:-} ]] || command -v npm >/dev/null || die "needs npm or SPEEDSCOPE_DIR"
  [[ -x $sim ]] || die "no kvnand-sim at $sim (build it, or pass its path)"
  sim=$(cd "$(dirname "$sim")" && pwd)/$(basename "$sim")
  KVNAND_SHOTS_XVFB=1 exec xvfb-run -a -s "-screen 0 ${SCREEN_W}x${SCREEN_H}x24 -nolisten tcp" \
    bash "$script_dir/$(basename "${BASH_SOURCE[0]}")" "$sim"
fi

# A fixed name, so GTKWave's title bar (it shows the VCD's path) is the same on every run; mkdir
# fails while another run uses it.
tmp=${TMPDIR:-/tmp}/kvnand-screenshots
mkdir "$tmp" || die "$tmp exists: another run is going on, or one left it behind (remove it)"
viewer_pid=
stop_viewer() {
  if [[ -n $viewer_pid ]]; then kill "$viewer_pid" 2>/dev/null || true; wait "$viewer_pid" 2>/dev/null || true; fi
  viewer_pid=
}
cleanup() {
  local status=$?
  stop_viewer
  if ((status != 0)); then
    for log in "$tmp"/*.log; do [[ -s $log ]] && { echo "--- $(basename "$log")"; tail -n 20 "$log"; } >&2; done
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
out_dir=$repo/docs/images
mkdir -p "$out_dir"

# Polls `$@` every 0.2 s until it succeeds; fails after WAIT_S seconds.
wait_for() {
  local what=$1; shift
  local deadline=$((SECONDS + WAIT_S))
  until "$@" 2>/dev/null; do
    ((SECONDS < deadline)) || die "timed out waiting for $what"
    sleep 0.2
  done
}
window_named() { xdotool search --onlyvisible --name "$1" | head -n 1 | grep -q .; }
# True when the screen region WxH+X+Y is not one flat colour, i.e. something was drawn there.
drawn() { [[ $(import -window root -crop "$1" +repage -format '%[fx:standard_deviation>0]' info:) == 1 ]]; }
# Without metadata or time stamps, so the same picture gives the same file.
save_png() {
  convert "$1" -strip -define png:exclude-chunks=date,time -define png:compression-level=9 "$2"
  echo "wrote $2 ($(du -k "$2" | cut -f1) KB)"
}
run_sim() {
  "$sim" --platform "$repo/platforms/kvnand-d.json" --model llama3.1-8b --context 1024 --tokens 1 --quiet "$@"
}

# --- the run: timeline of the whole step, and where LAYER lies in it -----------------------------
run_sim --out "$tmp/out-timeline" --timeline "$tmp/timeline.json"
# Prints: <start ps> <end ps> of LAYER's dataflow steps plus the margin, in whole microseconds.
window=$(node - "$tmp/timeline.json" "$LAYER" "$MARGIN_PERCENT" <<'EOF'
const [file, layer, margin] = process.argv.slice(2);
const ps = us => Math.round(us * 1e6);
let start = Infinity, end = -Infinity;
for (const e of JSON.parse(require("fs").readFileSync(file, "utf8")).traceEvents) {
  if (e.ph !== "X" || e.cat !== "dataflow" || e.args?.layer !== Number(layer)) continue;
  start = Math.min(start, ps(e.ts));
  end = Math.max(end, ps(e.ts) + ps(e.dur));
}
if (!(end > start)) throw new Error(`no dataflow steps of layer ${layer} in ${file}`);
const pad = Math.round((end - start) * Number(margin) / 100);
const us = 1e6;  // in ps; whole microseconds read better in GTKWave's From/To boxes
console.log(Math.max(0, Math.floor((start - pad) / us) * us), Math.ceil((end + pad) / us) * us);
EOF
)
read -r window_start_ps window_end_ps <<<"$window"
echo "layer $LAYER with margin: $window_start_ps ps to $window_end_ps ps"

# --- GTKWave --------------------------------------------------------------------------------------
# Opens save file $1 in GTKWave, runs the Tcl commands $2 on it (group toggles, as a user would),
# and saves the window as $3.
gtkwave_shot() {
  local save=$1 commands=$2 png=$3
  # Window tweak only: the window fills the screen once GTKWave adds its title bar (about 56 px)
  # and borders to [size]. Zoom: fit the recorded window (the save file's own zoom overshoots).
  sed -e "s/^\[size\] .*/[size] $((SCREEN_W - 10)) $((SCREEN_H - 56))/" "$save" >"${save%.gtkw}-shot.gtkw"
  printf 'do_initial_zoom_fit yes\n' >"$tmp/gtkwaverc"
  rm -f "$tmp/gtkwave.done"
  cat >"$tmp/view.tcl" <<EOF
proc set_group {name open} {
  set n [gtkwave::getTotalNumTraces]
  for {set i 0} {\$i < \$n} {incr i} {
    set flags [gtkwave::getTraceFlagsFromIndex \$i]
    # 0x800000: group begin, 0x400000: closed (GTKWave's analyzer.h)
    if {[gtkwave::getTraceNameFromIndex \$i] ne \$name || !(\$flags & 0x800000)} continue
    if {((\$flags & 0x400000) != 0) == \$open} {
      gtkwave::/Edit/UnHighlight_All
      gtkwave::setTraceHighlightFromIndex \$i on
      gtkwave::/Edit/Toggle_Group_Open|Close
    }
    return
  }
  error "no group \$name in the save file"
}
$commands
gtkwave::/Edit/UnHighlight_All
close [open "$tmp/gtkwave.done" w]
EOF
  (cd "$(dirname "$save")" && exec gtkwave -r "$tmp/gtkwaverc" -S "$tmp/view.tcl" "${save%.gtkw}-shot.gtkw" \
    >"$tmp/gtkwave.log" 2>&1) &
  viewer_pid=$!
  wait_for "the GTKWave window" window_named '^GTKWave - '
  wait_for "GTKWave's Tcl script" test -e "$tmp/gtkwave.done"
  sleep 1  # a redraw after the last group toggled
  local gtk_window
  gtk_window=$(xdotool search --onlyvisible --name '^GTKWave - ' | head -n 1)
  eval "$(xdotool getwindowgeometry --shell "$gtk_window")"
  import -window root -crop "$((WIDTH < SCREEN_W ? WIDTH : SCREEN_W))x$((HEIGHT < SCREEN_H ? HEIGHT : SCREEN_H))+0+0" \
    +repage "$tmp/gtkwave.png"
  stop_viewer
  save_png "$tmp/gtkwave.png" "$png"
}

run_sim --out "$tmp/out-vcd" --vcd "$tmp/decode.vcd" --vcd-window "${window_start_ps}ps:${window_end_ps}ps"
# Channel 0 and its die 0 open, channel 1 open with its dies closed, channels 2-7 closed, so one
# screen holds channels, a die, the NPU and the dataflow.
gtkwave_shot "$tmp/decode.gtkw" 'set_group flash.channel0.die0 1
for {set c 2} {$c < 8} {incr c} { set_group flash.channel$c 0 }' "$out_dir/gtkwave-decode.png"

# --- GTKWave, RTL co-simulation -------------------------------------------------------------------
# The flash microbenchmark on the tiny platform with the RTL command scheduler (docs/rtl-cosim.md),
# 20 ns around the controller clock edge at which two dies freed by their transfers get their next
# reads: the channels and the scheduler's ports in one view. Skipped by builds without Verilator.
rtl_run=("$sim" --platform "$repo/platforms/tiny.json" --pattern rand-read --requests 200 --queue-depth 8
         --set controller.clock_MHz=500 --set controller.scheduler=rtl --quiet --out "$tmp/out-rtl")
if "${rtl_run[@]}" --vcd "$tmp/rtl.vcd" --vcd-window 5010ns:5030ns 2>"$tmp/rtl.log"; then
  gtkwave_shot "$tmp/rtl.gtkw" 'foreach c {0 1} { foreach d {0 1} { set_group flash.channel$c.die$d 0 } }' \
    "$out_dir/gtkwave-rtl-cosim.png"
else
  echo "screenshots.sh: no RTL co-simulation picture: $(tail -n 1 "$tmp/rtl.log")" >&2
fi

# --- speedscope -----------------------------------------------------------------------------------
if [[ -n ${SPEEDSCOPE_DIR:-} ]]; then
  speedscope=$SPEEDSCOPE_DIR
else
  npm install --prefix "$tmp/npm" --no-audit --no-fund --silent "speedscope@$SPEEDSCOPE_VERSION" >"$tmp/npm.log" 2>&1
  speedscope=$tmp/npm/node_modules/speedscope
fi
[[ -f $speedscope/dist/release/index.html ]] || die "no speedscope at $speedscope"
# speedscope computes a complete ("X") event's end as ts + dur in floating point; where one event
# ends as the next begins, that sum can exceed the next start by one ulp, and speedscope then nests
# the next event inside the previous one and never closes it. The same events as begin/end ("B"/
# "E") pairs, each end computed in whole picoseconds, draw as written. The profile goes in the way
# speedscope's own command line passes one: a script calling loadFileFromBase64.
# speedscope shows one track at a time, its minimap spanning the screen from the track's first
# start to its last end. Prints: <index of the dataflow track> <minimap x of the window start>
# <x of its end> <x, once zoomed to that range, of the middle of LAYER's first ffn step>.
placement=$(node - "$tmp/timeline.json" "$tmp/profile.js" "$window_start_ps" "$window_end_ps" "$SCREEN_W" "$LAYER" <<'EOF'
const fs = require("fs");
const [src, dst, windowStart, windowEnd, width, layer] = process.argv.slice(2);
const trace = JSON.parse(fs.readFileSync(src, "utf8"));
const ps = us => Math.round(us * 1e6);
const events = [];
const tracks = new Map();  // "pid tid" -> {pid, tid, start, end} of the tracks with events
let dataflow, ffn;
for (const e of trace.traceEvents) {
  if (e.ph === "M" && e.name === "thread_name" && e.args.name === "dataflow") dataflow = `${e.pid} ${e.tid}`;
  if (e.ph !== "X") { events.push(e); continue; }
  if (e.cat === "dataflow" && e.name.startsWith("ffn") && e.args?.layer === Number(layer)) ffn ??= e;
  const { dur, ...begin } = e;
  const end = (ps(e.ts) + ps(dur)) / 1e6;
  events.push({ ...begin, ph: "B" }, { ...begin, ph: "E", ts: end });
  const key = `${e.pid} ${e.tid}`;
  const t = tracks.get(key) ?? { pid: e.pid, tid: e.tid, start: Infinity, end: 0 };
  t.start = Math.min(t.start, e.ts);
  t.end = Math.max(t.end, end);
  tracks.set(key, t);
}
trace.traceEvents = events;
const name = JSON.stringify("timeline.json");
const data = JSON.stringify(Buffer.from(JSON.stringify(trace)).toString("base64"));
fs.writeFileSync(dst, `speedscope.loadFileFromBase64(${name}, ${data})`);
// speedscope lists tracks by pid, then tid.
const order = [...tracks.values()].sort((a, b) => a.pid - b.pid || a.tid - b.tid);
const index = order.findIndex(t => `${t.pid} ${t.tid}` === dataflow);
if (index < 0 || !ffn) throw new Error(`no dataflow track, or no ffn step of layer ${layer}, in ${src}`);
const { start, end } = order[index];
const x = t_ps => Math.round((t_ps / 1e6 - start) / (end - start) * Number(width));
const x0 = x(Number(windowStart)), x1 = x(Number(windowEnd));
const t = px => start + px / Number(width) * (end - start);  // the range the drag selects, in us
const middle = ffn.ts + ffn.dur / 2;
console.log(index, x0, x1, Math.round((middle - t(x0)) / (t(x1) - t(x0)) * Number(width)));
EOF
)
read -r track x0 x1 hover_x <<<"$placement"

window_size=$SCREEN_W,$SCREEN_H
chromium_flags=(--user-data-dir="$tmp/chromium" --no-first-run --no-default-browser-check --test-type
  --use-angle=swiftshader --enable-unsafe-swiftshader --force-device-scale-factor=1
  --window-position="0,0" --window-size="$window_size")
[[ $(id -u) != 0 ]] || chromium_flags+=(--no-sandbox)  # Chromium refuses to run as root without it
chromium "${chromium_flags[@]}" \
  --app="file://$speedscope/dist/release/index.html#localProfilePath=$tmp/profile.js" >"$tmp/chromium.log" 2>&1 &
viewer_pid=$!
wait_for "the speedscope window" window_named '^timeline\.json - speedscope'
# speedscope's time-order view (CSS px): a 20 px toolbar, the minimap of the whole track below it
# down to y=120, then the zoomable flame chart, its first row at y=143-162.
readonly minimap_y=70 flame_row_y=152
wait_for "speedscope to draw the profile" drawn "${SCREEN_W}x10+0+145"
xdotool mousemove $((SCREEN_W / 2)) $((SCREEN_H - 20)) click 1  # focus, on an empty spot
for ((i = 0; i < track; ++i)); do xdotool key n; done            # next track, up to dataflow
# Zoom in first so the visible range is the middle of the step, then drag the layer's range on
# the minimap (a drag that starts outside the visible range selects a new one).
xdotool key plus plus plus
xdotool mousemove "$x0" $minimap_y; sleep 0.2
xdotool mousedown 1; sleep 0.2
for ((step = 1; step <= 8; ++step)); do xdotool mousemove $((x0 + (x1 - x0) * step / 8)) $minimap_y; sleep 0.05; done
xdotool mouseup 1
xdotool mousemove "$hover_x" $flame_row_y  # speedscope's tooltip: duration, name
sleep 1
import -window root -crop "${SCREEN_W}x${SPEEDSCOPE_CROP_H}+0+0" +repage "$tmp/speedscope.png"
stop_viewer
save_png "$tmp/speedscope.png" "$out_dir/timeline.png"
