// What the kvnand-eval and kvnand-dse CLI tests share: reading CSV files and reports, and a fixture
// with a temporary folder holding copies of the tiny decode platforms.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_process.h"

namespace kvnand::test {

using Row = std::map<std::string, std::string>;

inline const std::string kEval = KVNAND_EVAL;
inline const std::string kDse = KVNAND_DSE;
inline const std::string kSim = KVNAND_SIM;
inline const std::string kSource = KVNAND_SOURCE_DIR;

/// An RFC 4180 CSV file as rows keyed by the header; *header gets the columns in order.
inline std::vector<Row> read_csv(const std::string& path, std::vector<std::string>* header = nullptr) {
  const std::string text = read_text(path);
  std::vector<std::vector<std::string>> lines(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted && c == '"' && i + 1 < text.size() && text[i + 1] == '"')
      lines.back().back() += text[++i];
    else if (c == '"')
      quoted = !quoted;
    else if (!quoted && c == ',')
      lines.back().emplace_back();
    else if (!quoted && c == '\n')
      lines.emplace_back(1);
    else
      lines.back().back() += c;
  }
  if (lines.back().size() == 1 && lines.back()[0].empty()) lines.pop_back();
  std::vector<Row> rows;
  for (std::size_t r = 1; r < lines.size(); ++r) {
    EXPECT_EQ(lines[r].size(), lines[0].size()) << path << " row " << r;
    Row row;
    for (std::size_t c = 0; c < lines[0].size() && c < lines[r].size(); ++c) row[lines[0][c]] = lines[r][c];
    rows.push_back(row);
  }
  if (header != nullptr) *header = lines.empty() ? std::vector<std::string>{} : lines[0];
  return rows;
}

/// results.csv's `chosen` ("dataflow.g2_dies=3;dataflow.head_groups_per_step=2") as key -> value.
inline std::map<std::string, std::string> settings(const std::string& chosen) {
  std::map<std::string, std::string> out;
  for (std::size_t start = 0; start < chosen.size();) {
    const std::size_t end = std::min(chosen.find(';', start), chosen.size()), equals = chosen.find('=', start);
    out[chosen.substr(start, equals - start)] = chosen.substr(equals + 1, end - equals - 1);
    start = end + 1;
  }
  return out;
}

inline bool is_png(const std::string& path) { return read_text(path).rfind("\x89PNG\r\n\x1a\n", 0) == 0; }

/// Every scalar leaf of a report under its dotted name (arrays left out), as the CSV columns are.
inline void leaves(const nlohmann::json& value, const std::string& name, std::map<std::string, nlohmann::json>& out) {
  if (value.is_object()) {
    for (const auto& [key, child] : value.items()) leaves(child, name.empty() ? key : name + "." + key, out);
  } else if (!value.is_array()) {
    out[name] = value;
  }
}

/// A CSV cell holds exactly the report's value: numbers read back to the same double.
inline void expect_cell(const std::string& cell, const nlohmann::json& value, const std::string& key) {
  if (value.is_number()) {
    EXPECT_EQ(std::stod(cell), value.get<double>()) << key << " = " << cell;
  } else if (value.is_boolean()) {
    EXPECT_EQ(cell, value.get<bool>() ? "true" : "false") << key;
  } else if (value.is_string()) {
    EXPECT_EQ(cell, value.get<std::string>()) << key;
  }
}

inline const std::vector<std::string> kFixedColumns = {"platform",  "platform_file", "model",      "context",
                                                "precision", "tokens",        "accounting", "set",
                                                "chosen",    "status",        "message",    "run_dir"};

class EvalCli : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand-eval-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    for (const char* name : {"tiny-decode-c.json", "tiny-decode-d.json"})
      std::filesystem::copy_file(kSource + "/platforms/" + name, dir_ + "/" + name);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void write(const std::string& name, const std::string& text) const { std::ofstream(dir_ + "/" + name) << text; }
  ProcessResult eval(const std::string& matrix, const std::string& args) const {
    write("matrix.json", matrix);
    return run_process(kEval + " --matrix " + dir_ + "/matrix.json --out " + dir_ + "/out " + args);
  }
  ProcessResult dse(const std::string& args) const {
    return run_process(kDse + " --model tiny-gqa --discrete-platform " + dir_ + "/tiny-decode-d.json" +
                       " --compact-platform " + dir_ + "/tiny-decode-c.json --out " + dir_ + "/dse " + args);
  }
  std::vector<Row> csv(const std::string& name, std::vector<std::string>* header = nullptr) const {
    return read_csv(dir_ + "/" + name, header);
  }
  nlohmann::json report(const std::string& folder, const Row& row) const {
    return nlohmann::json::parse(read_text(dir_ + "/" + folder + "/" + row.at("run_dir") + "/report.json"));
  }
  std::string dir_;
};

}  // namespace kvnand::test
