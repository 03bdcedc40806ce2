// What a run traces, from the command line or a platform config's "trace" section: a VCD
// waveform (with a time window, scope patterns and per-plane detail), a Chrome / Perfetto
// timeline and a CSV of every flash command. Nothing is traced unless a file is named.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

/// A simulated-time window [start, end]; no end: to the end of the run.
struct TimeWindow {
  sc_core::sc_time start;
  std::optional<sc_core::sc_time> end;
};

struct WaveSpec {
  /// Empty: no waveform.
  std::string vcd_file;
  std::optional<TimeWindow> window;
  /// Glob patterns over dotted scope paths ("flash.channel0", "flash.*.die1", "npu"); a signal is
  /// recorded when a pattern matches its scope or one of the scopes around it. Empty: everything.
  std::vector<std::string> scopes;
  /// Per-plane state, ECC and PE signals in every die.
  bool plane_detail = false;
};

struct TraceSpec {
  WaveSpec wave;
  /// Empty: not written.
  std::string timeline_file;
  std::string commands_file;
  /// Every command the controller's scheduler issued (traces/scheduler_issue_log.h).
  std::string scheduler_file;

  bool any() const {
    return !wave.vcd_file.empty() || !timeline_file.empty() || !commands_file.empty() || !scheduler_file.empty();
  }
};

/// Throws std::invalid_argument when a window, scopes or plane detail shape a VCD no file names
/// (checked once the command line and the config are merged).
void check_trace_spec(const TraceSpec& spec);

/// "START:END" with a unit on each bound ("10us:2.5ms", "0:1ms", "5us:" to the end); units s,
/// ms, us, ns, ps; times are rounded to whole picoseconds. Throws std::invalid_argument saying
/// what is accepted (start must be before end).
TimeWindow parse_time_window(const std::string& text);

/// Checks a scope pattern: dot-separated names of letters, digits and '_', where '*' matches any
/// run of characters within one name and '?' one character. Throws std::invalid_argument.
void check_scope_pattern(const std::string& pattern);
/// Whether `pattern` selects the scope `path` ("flash.channel0.die1"): it matches the whole path
/// or a leading part of it that ends at a dot.
bool scope_pattern_selects(const std::string& pattern, const std::string& path);

/// The optional "trace" section of a platform config: vcd_file, vcd_window, vcd_scope (array of
/// patterns), vcd_plane_detail, timeline_file, commands_file. Throws config::ConfigError naming the key.
TraceSpec parse_trace_spec(config::Node node);

}  // namespace kvnand
