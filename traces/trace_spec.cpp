#include "trace_spec.h"

#include <cctype>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string_view>

#include "common/config_reader.h"
#include "common/sim_time.h"

namespace kvnand {
namespace {

constexpr const char* kWindowExpected =
    "expected START:END with units s, ms, us, ns or ps (e.g. 10us:2.5ms, :1ms, 5us:)";
constexpr const char* kPatternExpected =
    "expected dot-separated names of letters, digits and '_', where '*' matches any run of characters "
    "within one name and '?' one character (e.g. flash.channel0, flash.*.die1, npu)";
constexpr unsigned kDecimalBase = 10;
constexpr unsigned kRoundUpDigit = 5;

struct Unit {
  std::string_view name;
  unsigned ps_exponent;  ///< one unit is 10^ps_exponent ps
};
constexpr Unit kUnits[] = {{"s", 12}, {"ms", 9}, {"us", 6}, {"ns", 3}, {"ps", 0}};

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

[[noreturn]] void bad_window(std::string_view text, const std::string& why) {
  throw std::invalid_argument(in_quotes(text) + ": " + why);
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

/// One bound: "<digits>[.<digits>]<unit>" or a bare zero; rounded to the nearest picosecond.
std::uint64_t parse_bound(std::string_view bound, std::string_view whole) {
  std::size_t i = 0;
  while (i < bound.size() && is_digit(bound[i])) ++i;
  const std::string_view integral = bound.substr(0, i);
  std::string_view fraction;
  if (i < bound.size() && bound[i] == '.') {
    const std::size_t start = ++i;
    while (i < bound.size() && is_digit(bound[i])) ++i;
    fraction = bound.substr(start, i - start);
    if (fraction.empty()) bad_window(whole, kWindowExpected);
  }
  if (integral.empty()) bad_window(whole, kWindowExpected);
  const std::string_view unit_name = bound.substr(i);
  const bool zero = integral.find_first_not_of('0') == std::string_view::npos &&
                    fraction.find_first_not_of('0') == std::string_view::npos;
  if (unit_name.empty() && zero) return 0;
  const Unit* unit = nullptr;
  for (const Unit& u : kUnits)
    if (u.name == unit_name) unit = &u;
  if (unit == nullptr) bad_window(whole, kWindowExpected);

  std::uint64_t scale = 1;
  for (unsigned e = 0; e < unit->ps_exponent; ++e) scale *= kDecimalBase;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::string too_large = "times must be below " + std::to_string(kMax) + " ps";
  std::uint64_t whole_units = 0;
  for (char c : integral) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (whole_units > (kMax - digit) / kDecimalBase) bad_window(whole, too_large);
    whole_units = whole_units * kDecimalBase + digit;
  }
  if (whole_units > kMax / scale) bad_window(whole, too_large);
  // The fraction's first ps_exponent digits are whole picoseconds; the next one rounds.
  std::uint64_t fraction_ps = 0;
  for (unsigned e = 0; e < unit->ps_exponent; ++e)
    fraction_ps = fraction_ps * kDecimalBase + (e < fraction.size() ? static_cast<unsigned>(fraction[e] - '0') : 0u);
  if (fraction.size() > unit->ps_exponent && static_cast<unsigned>(fraction[unit->ps_exponent] - '0') >= kRoundUpDigit)
    ++fraction_ps;
  const std::uint64_t ps = whole_units * scale;
  if (ps > kMax - fraction_ps) bad_window(whole, too_large);
  return ps + fraction_ps;
}

bool is_pattern_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '*' || c == '?';
}

/// Glob match of one name: '*' any run of characters, '?' one character.
bool name_matches(std::string_view pattern, std::string_view name) {
  std::size_t p = 0, n = 0;
  std::size_t star = std::string_view::npos, resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// The next dot-separated name of `text` from `pos`; advances pos past the dot.
std::string_view next_name(std::string_view text, std::size_t& pos) {
  const std::size_t dot = text.find('.', pos);
  const std::string_view name = text.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
  pos = dot == std::string_view::npos ? text.size() + 1 : dot + 1;
  return name;
}

}  // namespace

TimeWindow parse_time_window(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
    bad_window(text, kWindowExpected);
  const std::string_view all(text);
  const std::string_view start = all.substr(0, colon);
  const std::string_view end = all.substr(colon + 1);
  TimeWindow window;
  if (!start.empty()) window.start = picoseconds(parse_bound(start, all));
  if (!end.empty()) {
    window.end = picoseconds(parse_bound(end, all));
    if (window.start >= *window.end) bad_window(text, "the start must be before the end");
  }
  return window;
}

void check_scope_pattern(const std::string& pattern) {
  std::size_t pos = 0;
  while (pos <= pattern.size()) {
    const std::string_view name = next_name(pattern, pos);
    if (name.empty()) throw std::invalid_argument(in_quotes(pattern) + ": " + kPatternExpected);
    for (char c : name)
      if (!is_pattern_char(c)) throw std::invalid_argument(in_quotes(pattern) + ": " + kPatternExpected);
  }
}

bool scope_pattern_selects(const std::string& pattern, const std::string& path) {
  std::size_t p = 0, s = 0;
  while (p <= pattern.size()) {
    if (s > path.size()) return false;  // the pattern is deeper than the path
    if (!name_matches(next_name(pattern, p), next_name(path, s))) return false;
  }
  return true;
}

TraceSpec parse_trace_spec(config::Node node) {
  TraceSpec spec;
  spec.wave.vcd_file = node.text_or("vcd_file", "");
  const std::string window = node.text_or("vcd_window", "");
  if (!window.empty()) {
    try {
      spec.wave.window = parse_time_window(window);
    } catch (const std::invalid_argument& e) {
      node.fail("vcd_window", e.what());
    }
  }
  for (const std::string& pattern : node.texts_or("vcd_scope", {})) {
    try {
      check_scope_pattern(pattern);
    } catch (const std::invalid_argument& e) {
      node.fail("vcd_scope", e.what());
    }
    spec.wave.scopes.push_back(pattern);
  }
  spec.wave.plane_detail = node.boolean_or("vcd_plane_detail", false);
  spec.timeline_file = node.text_or("timeline_file", "");
  spec.commands_file = node.text_or("commands_file", "");
  spec.scheduler_file = node.text_or("scheduler_file", "");
  node.finish();
  return spec;
}

void check_trace_spec(const TraceSpec& spec) {
  const WaveSpec& wave = spec.wave;
  if (wave.vcd_file.empty() && (wave.window || !wave.scopes.empty() || wave.plane_detail))
    throw std::invalid_argument(
        "--vcd-window, --vcd-scope and --vcd-planes (trace.vcd_window, vcd_scope, vcd_plane_detail) shape a VCD "
        "waveform; name its file with --vcd FILE (or trace.vcd_file)");
}

}  // namespace kvnand
