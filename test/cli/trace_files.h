// Reading the trace files of a run back in tests: VCD signals as step functions, the command CSV
// as rows, and the expected step functions of channels, dies and DRAM channels rebuilt from the CSV.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace kvnand::test {

/// A signal over time: (time, value) in increasing time, each value differing from the last;
/// the value before the first entry is 0.
using Steps = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

/// Adds a change; same-time changes keep the last, and repeats of the current value vanish.
inline void add_step(Steps& steps, std::uint64_t time, std::uint64_t value) {
  if (!steps.empty() && steps.back().first == time) steps.pop_back();
  const std::uint64_t before = steps.empty() ? 0 : steps.back().second;
  if (value != before) steps.emplace_back(time, value);
}

struct Vcd {
  std::map<std::string, Steps> signals;  ///< dotted name -> steps
  std::uint64_t first_time = 0;          ///< the time of the $dumpvars
  std::uint64_t last_time = 0;
};

/// Parses a VCD (ids to dotted scope names); fails the test if time goes backwards.
inline Vcd parse_vcd(const std::string& text) {
  Vcd vcd;
  std::map<std::string, std::string> names;
  std::vector<std::string> scope;
  std::istringstream in(text);
  std::string token;
  std::uint64_t now = 0;
  bool timed = false;
  auto change = [&](const std::string& id, std::uint64_t value) {
    const auto it = names.find(id);
    if (it != names.end()) add_step(vcd.signals[it->second], now, value);
  };
  while (in >> token) {
    if (token == "$scope") {
      std::string kind, name;
      in >> kind >> name;
      scope.push_back(name);
    } else if (token == "$upscope") {
      scope.pop_back();
    } else if (token == "$var") {
      std::string type, width, id, name;
      in >> type >> width >> id >> name;
      std::string dotted;
      for (const auto& s : scope) dotted += s + ".";
      names[id] = dotted + name;
      vcd.signals[dotted + name];
    } else if (token[0] == '#') {
      const std::uint64_t t = std::stoull(token.substr(1));
      EXPECT_GE(t, now) << "time goes backwards";
      if (!timed) vcd.first_time = t;
      timed = true;
      now = t;
    } else if (token[0] == 'b') {
      std::string id;
      in >> id;
      change(id, std::stoull(token.substr(1), nullptr, 2));
    } else if (token[0] == '0' || token[0] == '1') {
      change(token.substr(1), static_cast<std::uint64_t>(token[0] - '0'));
    }
  }
  vcd.last_time = now;
  return vcd;
}

/// The value of `steps` at `time`.
inline std::uint64_t value_at(const Steps& steps, std::uint64_t time) {
  std::uint64_t value = 0;
  for (const auto& [t, v] : steps) {
    if (t > time) break;
    value = v;
  }
  return value;
}

/// The steps of `steps` within [from, to]: the value at `from` first, then the changes after it.
inline Steps window_of(const Steps& steps, std::uint64_t from, std::uint64_t to) {
  Steps cut;
  add_step(cut, from, value_at(steps, from));
  for (const auto& [t, v] : steps)
    if (t > from && t <= to) add_step(cut, t, v);
  return cut;
}

/// One interval with a level; the signal shows the highest level active (0 when none).
struct Level {
  std::uint64_t start, end, level;
};

inline Steps max_level_steps(const std::vector<Level>& intervals) {
  std::map<std::uint64_t, std::vector<std::pair<std::uint64_t, int>>> edges;
  for (const Level& l : intervals) {
    if (l.end <= l.start) continue;
    edges[l.start].push_back({l.level, +1});
    edges[l.end].push_back({l.level, -1});
  }
  std::map<std::uint64_t, int> active;
  Steps steps;
  for (const auto& [time, changes] : edges) {
    for (const auto& [level, delta] : changes)
      if ((active[level] += delta) == 0) active.erase(level);
    add_step(steps, time, active.empty() ? 0 : active.rbegin()->first);
  }
  return steps;
}

/// A signal that adds up the levels of its active intervals (a DRAM channel's bytes).
inline Steps sum_steps(const std::vector<Level>& intervals) {
  std::map<std::uint64_t, std::int64_t> deltas;
  for (const Level& l : intervals) {
    if (l.end <= l.start) continue;
    deltas[l.start] += static_cast<std::int64_t>(l.level);
    deltas[l.end] -= static_cast<std::int64_t>(l.level);
  }
  Steps steps;
  std::int64_t sum = 0;
  for (const auto& [time, delta] : deltas) add_step(steps, time, static_cast<std::uint64_t>(sum += delta));
  return steps;
}

/// The command CSV: a header and rows of fields by column name.
struct CommandCsv {
  std::vector<std::string> columns;
  std::vector<std::map<std::string, std::string>> rows;
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

inline CommandCsv parse_commands(const std::string& text) {
  CommandCsv csv;
  std::istringstream in(text);
  std::string line;
  if (std::getline(in, line)) csv.columns = split_csv_line(line);
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = split_csv_line(line);
    EXPECT_EQ(fields.size(), csv.columns.size()) << "row: " << line;
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < fields.size() && i < csv.columns.size(); ++i) row[csv.columns[i]] = fields[i];
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

/// The names of NandCommand in value order (the channel's op signal shows 1 + this index).
inline const std::vector<std::string>& command_names() {
  static const std::vector<std::string> names{"read",          "cache_read_next", "cache_read_last", "data_out",
                                              "program",       "erase",           "ifc_broadcast",   "ifc_input",
                                              "ifc_compute",   "ifc_readout",     "ifc_program",
                                              "stream_read",   "stream_data_out"};
  return names;
}

/// The die state a command's array work shows (docs/waveforms.md): read 2, program 3, erase 4, compute 5.
inline std::uint64_t array_state_of(const std::string& op) {
  if (op == "read" || op == "cache_read_next" || op == "cache_read_last" || op == "stream_read" ||
      op == "stream_data_out")
    return 2;
  if (op == "program" || op == "ifc_program") return 3;
  if (op == "erase") return 4;
  if (op == "ifc_compute") return 5;
  return 0;
}

inline std::uint64_t ps(const std::string& field) { return std::stoull(field); }

/// A DRAM access (Base-1) rather than a flash command: op dram_read or dram_write.
inline bool is_dram_row(const std::map<std::string, std::string>& row) { return row.at("op").rfind("dram_", 0) == 0; }

/// Expected channel signals from the CSV: busy (0/1) and op (1 + command index).
inline Steps expected_channel(const CommandCsv& csv, std::uint32_t channel, bool op) {
  std::vector<Level> intervals;
  for (const auto& row : csv.rows) {
    if (is_dram_row(row) || std::stoul(row.at("channel")) != channel) continue;
    const auto& names = command_names();
    const auto index = static_cast<std::uint64_t>(std::find(names.begin(), names.end(), row.at("op")) - names.begin());
    intervals.push_back({ps(row.at("bus_start_ps")), ps(row.at("bus_end_ps")), op ? index + 1 : 1});
  }
  return max_level_steps(intervals);
}

/// Expected die state from the CSV: transfer (1) during its bus tenures, the array state during its array work.
inline Steps expected_die_state(const CommandCsv& csv, std::uint32_t channel, std::uint32_t die) {
  std::vector<Level> intervals;
  for (const auto& row : csv.rows) {
    if (is_dram_row(row) || std::stoul(row.at("channel")) != channel) continue;
    if (row.at("die") != "all" && std::stoul(row.at("die")) != die) continue;
    intervals.push_back({ps(row.at("bus_start_ps")), ps(row.at("bus_end_ps")), 1});
    if (!row.at("array_start_ps").empty())
      intervals.push_back({ps(row.at("array_start_ps")), ps(row.at("array_end_ps")), array_state_of(row.at("op"))});
  }
  return max_level_steps(intervals);
}

/// What a DRAM channel's VCD signals show (docs/waveforms.md).
enum class DramSignal { Busy, Op, Bytes };

/// Expected DRAM channel signal from the CSV's DRAM rows: busy (0/1), op (1 read, 2 write) or the
/// bytes of the access in progress.
inline Steps expected_dram(const CommandCsv& csv, std::uint32_t channel, DramSignal signal) {
  std::vector<Level> intervals;
  for (const auto& row : csv.rows) {
    if (!is_dram_row(row) || std::stoul(row.at("channel")) != channel) continue;
    const std::uint64_t level = signal == DramSignal::Busy ? 1
                                : signal == DramSignal::Op ? (row.at("op") == "dram_write" ? 2 : 1)
                                                           : std::stoull(row.at("bytes"));
    intervals.push_back({ps(row.at("bus_start_ps")), ps(row.at("bus_end_ps")), level});
  }
  return signal == DramSignal::Bytes ? sum_steps(intervals) : max_level_steps(intervals);
}

}  // namespace kvnand::test
