// kvnand-eval --reference on the tiny platforms: validation.csv against the run's own results and
// candidates, every verdict and the best split, the summaries in validation.md, report.md and on
// stdout, the tolerance, bad reference files; and the shipped paper-fig12 matrix and reference read
// by the loaders kvnand-eval uses (running its 1560 full-size runs would take minutes).
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "eval_cli.h"

extern "C" {
#include "matrix_file.h"
#include "reference_file.h"
}

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

// tiny-gqa keeps 1 KiB of KV per token: 20000 tokens fit tiny-decode-c (32 MiB of flash) and
// tiny-decode-d only with 3 KV dies; 60000 fit neither. "Broken" fails every run.
std::string matrix(const std::string& extra) {
  return R"({"models": ["tiny-gqa"], "contexts": [64, 20000, 60000], "tokens": 2, "baseline": "C",)" + extra + R"(
    "platforms": [{"name": "C", "file": "tiny-decode-c.json"},
      {"name": "D", "file": "tiny-decode-d.json", "choose": {"key": "dataflow.g2_dies", "values": [1, 2, 3]}},
      {"name": "Broken", "file": "tiny-decode-c.json", "set": ["ifc.fmacs_per_plane=0"]}]})";
}

// The cells of the reference the tests write, in its order (model tiny-gqa, bf16).
struct Cell {
  std::string split, context, platform;
};
const std::vector<Cell> kCells = {{"", "64", "C"},     {"", "20000", "C"}, {"", "60000", "C"},
                                  {"2", "64", "D"},    {"", "64", "D"},    {"1", "20000", "D"},
                                  {"3", "20000", "D"}, {"", "60000", "D"}, {"", "64", "Broken"}};

std::string exact(double value) {
  std::ostringstream text;
  text.precision(17);
  text << value;
  return text.str();
}

std::string two_decimals(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  return text;
}

// The verdict of a ratio, as docs/eval-tools.md defines it.
std::string verdict(double ratio, double tolerance) {
  if (std::fabs(ratio - 1.0) <= tolerance) return "within";
  return ratio > 1.0 ? "above" : "below";
}

class ValidationCli : public EvalCli {
 protected:
  // Runs the matrix once without a reference (into plain/) and writes ref.csv from what it ran, so
  // the cells fall where each verdict is wanted: C at 64 tokens 5% above its reference, C at 20000
  // at half of it, D at 64 with g2_dies=2 50% above and with its chosen value equal, D at 20000
  // out of memory with one KV die, ... Returns kvnand-eval's exit status.
  int write_reference() {
    const ProcessResult plain = eval(matrix(""), "--no-plots --jobs 2");
    fs::rename(dir_ + "/out", dir_ + "/plain");
    const std::vector<Row> results = csv("plain/results.csv"), candidates = csv("plain/candidates.csv");
    const auto tokens = [](const std::vector<Row>& rows, const std::string& platform, const std::string& context,
                           const std::string& chosen) {
      for (const Row& row : rows)
        if (row.at("platform") == platform && row.at("context") == context && row.at("chosen") == chosen) {
          EXPECT_EQ(row.at("status"), "ok") << platform << " " << context << " " << chosen;
          return std::stod(row.at("tokens_per_s"));
        }
      ADD_FAILURE() << "no " << platform << " " << context << " " << chosen;
      return 1.0;
    };
    const std::string g2 = "dataflow.g2_dies=";
    reference_ = {exact(tokens(results, "C", "64", "") / 1.05),
                  exact(tokens(results, "C", "20000", "") * 2),
                  "OOM",
                  exact(tokens(candidates, "D", "64", g2 + "2") / 1.5),
                  exact(tokens(results, "D", "64", g2 + "1")),
                  "123.5",
                  "OOM",
                  "OOM",
                  "5"};
    std::string text =
        "# Test values, made from a first run\n# of the same matrix\n\n"
        "split,tokens_per_s,model,precision,context,platform\n";
    for (std::size_t i = 0; i < kCells.size(); ++i) {
      if (i == 5) text += "# a comment below the header is no source\n";
      const std::string line =
          kCells[i].split + "," + reference_[i] + ",tiny-gqa,bf16," + kCells[i].context + "," + kCells[i].platform;
      text += i == 7 ? " " + line + " \r\n" : line + "\n";  // blanks around fields and CRLF are read too
    }
    write("ref.csv", text);
    return plain.status;
  }
  std::vector<Row> validation() const { return csv("out/validation.csv"); }
  std::vector<std::string> reference_;  // tokens_per_s of ref.csv's rows as written
};

TEST_F(ValidationCli, EachReferenceCellMeetsItsRun) {
  const int plain_status = write_reference();
  const ProcessResult run = eval(matrix(R"("reference": "ref.csv",)"), "--jobs 2");
  EXPECT_EQ(run.status, plain_status) << run.output;  // 4: Broken failed; the comparison changes nothing
  const std::vector<Row> results = csv("out/results.csv"), candidates = csv("out/candidates.csv");
  // The run a row compares: the candidate at its split, else the point's result.
  const auto run_of = [&](const Row& v) -> const Row& {
    const bool at_split = !v.at("split").empty();
    for (const Row& row : at_split ? candidates : results)
      if (row.at("platform") == v.at("platform") && row.at("context") == v.at("context") &&
          (!at_split || row.at("chosen") == "dataflow.g2_dies=" + v.at("split")))
        return row;
    ADD_FAILURE() << v.at("platform") << " " << v.at("context");
    return v;
  };
  const std::vector<Row> rows = validation();
  ASSERT_EQ(rows.size(), 9u);
  const std::vector<std::string> status = {"within",   "below",         "both_oom", "above", "within",
                                           "ours_oom", "reference_oom", "both_oom", "failed"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& v = rows[i];
    EXPECT_EQ(v.at("model") + " " + v.at("precision"), "tiny-gqa bf16");
    EXPECT_EQ(v.at("split"), kCells[i].split) << i;
    EXPECT_EQ(v.at("split_chosen"), "") << i;  // D chooses one key
    EXPECT_EQ(v.at("context"), kCells[i].context) << i;
    EXPECT_EQ(v.at("platform"), kCells[i].platform) << i;
    EXPECT_EQ(v.at("status"), status[i]) << i;
    if (reference_[i] == "OOM")
      EXPECT_EQ(v.at("reference_tokens_per_s"), "OOM") << i;
    else
      EXPECT_EQ(std::stod(v.at("reference_tokens_per_s")), std::stod(reference_[i])) << i;
    const Row& ours = run_of(v);
    if (ours.at("status") == "ok") {
      EXPECT_EQ(std::stod(v.at("ours_tokens_per_s")), report("out", ours)["tokens_per_s"].get<double>()) << i;
    } else {
      EXPECT_EQ(v.at("ours_tokens_per_s"), "") << i;
    }
    if (v.at("reference_tokens_per_s") == "OOM" || v.at("ours_tokens_per_s").empty()) {
      EXPECT_EQ(v.at("ratio"), "") << i;
    } else {
      const double ratio = std::stod(v.at("ours_tokens_per_s")) / std::stod(v.at("reference_tokens_per_s"));
      EXPECT_EQ(std::stod(v.at("ratio")), ratio) << i;
      EXPECT_EQ(v.at("status"), verdict(ratio, 0.10)) << i;
    }
  }
  for (const std::size_t i : {0u, 1u, 2u, 8u})
    for (const char* column : {"best_split", "best_tokens_per_s", "best_ratio", "best_status"})
      EXPECT_EQ(rows[i].at(column), "") << i << " " << column;
  // The best split: the point's chosen value, compared with the same reference value.
  const auto chosen = [&](const std::string& context) -> const Row& {
    for (const Row& row : results)
      if (row.at("platform") == "D" && row.at("context") == context) return row;
    ADD_FAILURE() << "no D point at " << context;
    return results[0];
  };
  for (std::size_t i = 3; i < 8; ++i) {
    const Row& v = rows[i];
    const Row& point = chosen(v.at("context"));
    EXPECT_EQ(v.at("best_split"), point.at("chosen")) << i;
    EXPECT_EQ(v.at("best_tokens_per_s"), point.at("tokens_per_s")) << i;
    if (!v.at("best_ratio").empty()) {
      const double ratio = std::stod(v.at("best_tokens_per_s")) / std::stod(v.at("reference_tokens_per_s"));
      EXPECT_EQ(std::stod(v.at("best_ratio")), ratio) << i;
      EXPECT_EQ(v.at("best_status"), verdict(ratio, 0.10)) << i;
    }
  }
  EXPECT_EQ(rows[3].at("best_split"), "dataflow.g2_dies=1");
  EXPECT_EQ(rows[4].at("best_status"), "within");
  EXPECT_EQ(rows[5].at("best_split"), "dataflow.g2_dies=3");
  EXPECT_NE(rows[5].at("best_ratio"), "");
  EXPECT_EQ(rows[6].at("best_status"), "reference_oom");
  EXPECT_EQ(rows[6].at("ours_tokens_per_s"), rows[6].at("best_tokens_per_s"));
  EXPECT_EQ(rows[7].at("best_split") + rows[7].at("best_status"), "both_oom");

  // Summaries: within counts the cells, the geometric mean and the worst ratio the cells with two numbers.
  const double c_mean = std::sqrt(std::stod(rows[0].at("ratio")) * std::stod(rows[1].at("ratio")));
  const double d_mean = std::sqrt(std::stod(rows[3].at("ratio")) * std::stod(rows[4].at("ratio")));
  std::vector<double> best;
  for (const std::size_t i : {3u, 4u, 5u}) best.push_back(std::stod(rows[i].at("best_ratio")));
  const double best_mean = std::cbrt(best[0] * best[1] * best[2]);
  double best_worst = best[0];
  for (const double r : best)
    if (std::fabs(std::log(r)) > std::fabs(std::log(best_worst))) best_worst = r;
  std::size_t best_within = 0;
  for (std::size_t i = 3; i < 8; ++i) best_within += rows[i].at("best_status") == "within";
  const std::string md = read_text(dir_ + "/out/validation.md");
  const std::vector<std::string> summary = {"| C | as given | 3 | 1 of 3 | 1 | " + two_decimals(c_mean) + " | 0.50 |",
                                            "| D | as given | 5 | 1 of 5 | 1 | " + two_decimals(d_mean) + " | 1.50 |",
                                            "| D | best | 5 | " + std::to_string(best_within) + " of 5 | 1 | " +
                                                two_decimals(best_mean) + " | " + two_decimals(best_worst) + " |",
                                            "| Broken | as given | 1 | 0 of 1 | 0 | n/a | n/a |",
                                            "`" + dir_ + "/ref.csv`",
                                            "|ratio - 1| <= 0.1 (±10%)",
                                            "> Test values, made from a first run\n> of the same matrix\n",
                                            "| 20000 | tiny-gqa | 1 | 123.50 | | | ours_oom | 3 |"};
  for (const std::string& part : summary) EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
  EXPECT_EQ(md.find("a comment below"), std::string::npos);
  for (const std::string& line :
       {"validation: C 1 of 3 within +-10%, 1 both OOM (geomean " + two_decimals(c_mean) + ", worst 0.50)\n",
        "validation: D 1 of 5 within +-10%, 1 both OOM (geomean " + two_decimals(d_mean) +
            ", worst 1.50); best split " + std::to_string(best_within) + " of 5 within +-10%, 1 both OOM (geomean " +
            two_decimals(best_mean) + ", worst " + two_decimals(best_worst) + ")\n",
        std::string("validation: Broken 0 of 1 within +-10% (no cell where both have a number)\n")})
    EXPECT_NE(run.output.find(line), std::string::npos) << line << run.output;
  const nlohmann::json record = nlohmann::json::parse(read_text(dir_ + "/out/run.json"));
  EXPECT_EQ(record["reference"], dir_ + "/ref.csv");
  EXPECT_EQ(record["tolerance"], 0.10);
  const std::string report_md = read_text(dir_ + "/out/report.md");
  EXPECT_NE(report_md.find("## Validation against reference values\n\n" + md.substr(0, 40)), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(read_text(dir_ + "/plain/run.json"))["reference"], nullptr);
}

TEST_F(ValidationCli, ASplitTakesTheFastestAlsoSettingThere) {
  // D chooses g2_dies and, with each, 1 or 2 head groups per step (tiny-gqa has 2 KV heads).
  const std::string m = R"({"models": ["tiny-gqa"], "contexts": [64, 20000], "tokens": 2, "baseline": "C",
    "reference": "ref.csv", "platforms": [{"name": "C", "file": "tiny-decode-c.json"},
      {"name": "D", "file": "tiny-decode-d.json", "choose": {"key": "dataflow.g2_dies", "values": [1, 2, 3],
       "also": {"dataflow.head_groups_per_step": [1, 2]}}}]})";
  write("ref.csv",
        "model,precision,context,platform,split,tokens_per_s\n"
        "tiny-gqa,bf16,64,D,2,1000\ntiny-gqa,bf16,20000,D,1,400\ntiny-gqa,bf16,64,D,,1000\ntiny-gqa,bf16,64,C,,1000\n");
  const ProcessResult run = eval(m, "--no-plots --jobs 2");
  ASSERT_EQ(run.status, 0) << run.output;
  const std::vector<Row> candidates = csv("out/candidates.csv"), results = csv("out/results.csv");
  ASSERT_EQ(candidates.size(), 2u * 3u * 2u);
  // The fastest fitting candidate at context 64 with g2_dies=2 (the first on a tie).
  const Row* best = nullptr;
  for (const Row& row : candidates)
    if (row.at("context") == "64" && settings(row.at("chosen"))["dataflow.g2_dies"] == "2" &&
        row.at("status") == "ok" &&
        (best == nullptr || std::stod(row.at("latency_per_token_s")) < std::stod(best->at("latency_per_token_s"))))
      best = &row;
  ASSERT_NE(best, nullptr);
  const std::string groups = settings(best->at("chosen"))["dataflow.head_groups_per_step"];
  const std::vector<Row> rows = validation();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].at("split"), "2");
  EXPECT_EQ(rows[0].at("split_chosen"), "dataflow.head_groups_per_step=" + groups);
  EXPECT_EQ(rows[0].at("ours_tokens_per_s"), best->at("tokens_per_s"));
  EXPECT_EQ(std::stod(rows[0].at("ratio")), std::stod(best->at("tokens_per_s")) / 1000);
  // One KV die holds no 20000 tokens at either setting: nothing to name.
  EXPECT_EQ(rows[1].at("split_chosen") + rows[1].at("status"), "ours_oom");
  // Without a split, and in the best_* columns, the point's choice over both keys.
  const Row& point = results[1];  // D at 64
  ASSERT_EQ(point.at("platform") + point.at("context"), "D64");
  EXPECT_EQ(rows[2].at("split_chosen"), "");
  EXPECT_EQ(rows[2].at("ours_tokens_per_s"), point.at("tokens_per_s"));
  for (const std::size_t i : {0u, 2u}) {
    EXPECT_EQ(rows[i].at("best_split"), point.at("chosen")) << i;
    EXPECT_EQ(rows[i].at("best_tokens_per_s"), point.at("tokens_per_s")) << i;
  }
  EXPECT_EQ(rows[1].at("best_split"), results[3].at("chosen"));  // D at 20000
  EXPECT_EQ(settings(point.at("chosen")).size(), 2u);
  EXPECT_EQ(rows[3].at("split_chosen") + rows[3].at("best_split"), "");
  const auto chosen = settings(point.at("chosen"));
  const std::string md = read_text(dir_ + "/out/validation.md");
  for (const std::string& part :
       {std::string("**D** (split: dataflow.g2_dies, in brackets the fastest dataflow.head_groups_per_step at that "
                    "value; best: the settings it chose)"),
        "| 64 | tiny-gqa | 2 (dataflow.head_groups_per_step=" + groups + ") | 1000.00 |",
        std::string("| 20000 | tiny-gqa | 1 | 400.00 | | | ours_oom |"),
        "| " + chosen.at("dataflow.g2_dies") + " (dataflow.head_groups_per_step=" +
            chosen.at("dataflow.head_groups_per_step") + ") | " + two_decimals(std::stod(point.at("tokens_per_s")))})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
}

TEST_F(ValidationCli, ToleranceComesFromTheCommandLineElseTheMatrix) {
  write_reference();
  // The command line's --reference wins over the matrix's, which names no file here.
  const std::string m = matrix(R"("reference": "missing.csv", "tolerance": 0.6,)");
  const ProcessResult wide = eval(m, "--no-plots --reference " + dir_ + "/ref.csv");
  EXPECT_EQ(wide.status, 4) << wide.output;
  std::vector<Row> rows = validation();
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[1].at("status"), "within");  // 0.5
  EXPECT_EQ(rows[3].at("status"), "within");  // 1.5
  EXPECT_NE(read_text(dir_ + "/out/validation.md").find("|ratio - 1| <= 0.6 (±60%)"), std::string::npos);
  EXPECT_NE(wide.output.find("validation: C 2 of 3 within +-60%"), std::string::npos) << wide.output;
  fs::remove_all(dir_ + "/out");
  const ProcessResult narrow = eval(m, "--no-plots --reference " + dir_ + "/ref.csv --tolerance 0.02");
  EXPECT_EQ(narrow.status, 4) << narrow.output;
  rows = validation();
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].at("status"), "above");  // 1.05
  EXPECT_EQ(rows[1].at("status"), "below");
  EXPECT_EQ(rows[4].at("status"), "within");  // exactly 1
  EXPECT_EQ(nlohmann::json::parse(read_text(dir_ + "/out/run.json"))["tolerance"], 0.02);
  EXPECT_NE(narrow.output.find("validation: C 0 of 3 within +-2%"), std::string::npos) << narrow.output;
}

TEST_F(ValidationCli, BadReferenceNamesTheFileAndLineAndWritesNothing) {
  const std::string header = "# source\nmodel,precision,context,platform,split,tokens_per_s\n";
  const std::string row = "tiny-gqa,bf16,64,C,,10\n";
  const std::string ref = dir_ + "/ref.csv";
  const std::string accepted = dir_ + "/matrix.json; accepted: ";
  struct Case {
    std::string reference, extra, args, expected;
  };
  const std::vector<Case> cases = {
      {"", R"("reference": "missing.csv",)", "", dir_ + "/missing.csv: cannot open (No such file or directory)"},
      {"# only a comment\n", "", "", ref + ": no header line; expected one naming the columns model, precision"},
      {header, "", "", ref + ": no rows after the header (line 2)"},
      {"model,precision,context,platform,tokens_per_s\n" + row, "", "",
       ref + ":1: no column \"split\"; the header names the columns model, precision, context, platform, split, "
             "tokens_per_s (in any order)"},
      {"model,precision,context,platform,split,tokens\n" + row, "", "", ref + ":1: unknown column \"tokens\""},
      {"model,precision,context,platform,split,tokens_per_s,model\n" + row, "", "",
       ref + ":1: column \"model\" appears twice"},
      {header + "tiny-gqa,bf16,64,C,10\n", "", "", ref + ":3: 5 fields, but the header (line 2) names 6 columns"},
      {header + "tiny-moe,bf16,64,C,,10\n", "", "", ref + ":3: model: \"tiny-moe\" is not in " + accepted + "tiny-gqa"},
      {header + "tiny-gqa,w8a8,64,C,,10\n", "", "", ref + ":3: precision: \"w8a8\" is not in " + accepted + "bf16"},
      {header + "tiny-gqa,bf16,128,C,,10\n", "", "",
       ref + ":3: context: \"128\" is not in " + accepted + "64, 20000, 60000"},
      {header + "tiny-gqa,bf16,64,E,,10\n", "", "", ref + ":3: platform: \"E\" is not in " + accepted + "C, D, Broken"},
      {header + "tiny-gqa,bf16,64,C,2,10\n", "", "",
       ref + ":3: split: \"2\" given, but platform C has no \"choose\" in " + dir_ +
           "/matrix.json; accepted: an empty split"},
      {header + "tiny-gqa,bf16,64,D,4,10\n", "", "",
       ref + ":3: split (platform D's dataflow.g2_dies): \"4\" is not in " + accepted +
           "1, 2, 3, or empty for the chosen value"},
      {header + "tiny-gqa,bf16,64,C,,-3\n", "", "",
       ref + ":3: tokens_per_s: expected a positive number or OOM, got \"-3\""},
      {header + "tiny-gqa,bf16,64,C,,0\n", "", "",
       ref + ":3: tokens_per_s: expected a positive number or OOM, got \"0\""},
      {header + "tiny-gqa,bf16,64,C,,oom\n", "", "", ref + ":3: tokens_per_s: expected a positive number or OOM"},
      {header + "tiny-gqa,bf16,64,D,2,10\ntiny-gqa,bf16,64,D,,10\n" + "tiny-gqa,bf16,64,D,2,OOM\n", "", "",
       ref + ":5: the same cell as line 3 (model tiny-gqa, precision bf16, context 64, platform D, split \"2\"); "
             "give each cell once"},
      {header + row, R"("tolerance": 1.5,)", "",
       dir_ + "/matrix.json: tolerance: expected a number greater than 0 and less than 1, got 1.5"},
      {header + row, "", "--tolerance 0", "--tolerance: expected a number greater than 0 and less than 1, got \"0\""},
  };
  for (const Case& c : cases) {
    write("ref.csv", c.reference);
    const std::string extra = c.extra.empty() ? R"("reference": "ref.csv",)" : c.extra;
    const ProcessResult run = eval(matrix(extra), c.args);
    EXPECT_EQ(run.status, 2) << c.reference << "\n" << run.output;
    EXPECT_NE(run.output.find("kvnand-eval: " + c.expected), std::string::npos) << c.reference << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/out")) << c.reference;
  }
  for (const auto& [extra, args, expected] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"", "--tolerance 0.2", "--tolerance: there are no reference values to compare with; give --reference FILE"},
           {R"("tolerance": 0.2,)", "", "matrix.json: tolerance: there are no reference values to compare with"}}) {
    const ProcessResult run = eval(matrix(extra), args);
    EXPECT_EQ(run.status, 2) << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/out"));
  }
}

// The shipped Fig. 12 comparison (docs/eval-tools.md): the default comparison's models and contexts
// under the paper's accounting, and a reference file kvnand-eval accepts for it, a row per bar.
TEST(ValidationFiles, PaperFig12MatrixAcceptsItsReference) {
  ev_error e;
  ev_matrix fig12, standard;
  ASSERT_EQ(ev_matrix_load((kSource + "/platforms/evaluations/paper-fig12.json").c_str(), nullptr, &fig12, &e), 0)
      << e.text;
  ASSERT_EQ(ev_matrix_load((kSource + "/platforms/evaluations/default.json").c_str(), nullptr, &standard, &e), 0)
      << e.text;
  const auto strings = [](const ev_strings& l) { return std::vector<std::string>(l.items, l.items + l.count); };
  EXPECT_EQ(strings(fig12.model_labels), strings(standard.model_labels));
  EXPECT_EQ(std::vector<unsigned long long>(fig12.contexts, fig12.contexts + fig12.context_count),
            std::vector<unsigned long long>(standard.contexts, standard.contexts + standard.context_count));
  EXPECT_EQ(strings(fig12.precisions), std::vector<std::string>{"bf16"});
  EXPECT_EQ(fig12.tokens, 2);
  EXPECT_STREQ(fig12.accounting, "paper");
  EXPECT_STREQ(fig12.baseline, "Base-1");
  EXPECT_EQ(fig12.dse_count, 0u);
  ASSERT_EQ(fig12.platform_count, 4u);
  std::vector<std::string> names;
  for (std::size_t p = 0; p < fig12.platform_count; ++p) names.emplace_back(fig12.platforms[p].name);
  EXPECT_EQ(names, (std::vector<std::string>{"Base-1", "Base-2", "KVNAND-C-16", "KVNAND-D-16"}));
  const ev_platform_entry& d = fig12.platforms[3];
  ASSERT_EQ(d.choose.axis_count, 2u);
  EXPECT_STREQ(d.choose.axes[0].key, "dataflow.g2_dies");
  EXPECT_STREQ(d.choose.axes[1].key, "dataflow.head_groups_per_step");
  EXPECT_EQ(strings(d.choose.axes[1].values), (std::vector<std::string>{"1", "2", "4", "8", "64"}));
  EXPECT_EQ(strings(d.choose.axes[0].values), (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7", "8", "9",
                                                                        "10", "11", "12", "13", "14", "15"}));
  ASSERT_NE(fig12.reference, nullptr);
  EXPECT_EQ(std::string(fig12.reference), kSource + "/platforms/evaluations/paper-fig12.csv");

  ev_reference ref;
  ASSERT_EQ(ev_reference_load(fig12.reference, &fig12, &ref, &e), 0) << e.text;
  EXPECT_EQ(ref.row_count, 5u * 4u * 4u);  // every bar; the loader refuses a cell given twice
  std::string source;                      // the comment lines above the header: where the values come from
  for (std::size_t i = 0; i < ref.source.count; ++i) source += std::string(ref.source.items[i]) + " ";
  for (const char* part : {"KVNAND: Efficient On-Device", "arXiv 2512.03608", "Fig. 12"})
    EXPECT_NE(source.find(part), std::string::npos) << part << " in " << source;
  std::size_t oom = 0;
  for (std::size_t i = 0; i < ref.row_count; ++i) {
    const ev_reference_row& row = ref.rows[i];
    EXPECT_EQ(row.has_split, row.platform == 3) << "line " << row.line;
    if (!row.oom) continue;
    ++oom;
    EXPECT_EQ(row.platform, 0u) << "line " << row.line;  // only Base-1 runs out of memory, at 100K
    EXPECT_EQ(fig12.contexts[row.context], 102400u) << "line " << row.line;
  }
  EXPECT_EQ(oom, 5u);
  ev_reference_free(&ref);
  ev_matrix_free(&fig12);
  ev_matrix_free(&standard);
}

TEST(ValidationFiles, AblationMatrixIsTheFig12MatrixWithTheDocumentedSwitches) {
  ev_error e;
  ev_matrix fig12, ablations;
  ASSERT_EQ(ev_matrix_load((kSource + "/platforms/evaluations/paper-fig12.json").c_str(), nullptr, &fig12, &e), 0)
      << e.text;
  ASSERT_EQ(ev_matrix_load((kSource + "/platforms/evaluations/paper-fig12-ablations.json").c_str(), nullptr,
                           &ablations, &e),
            0)
      << e.text;
  const auto strings = [](const ev_strings& l) { return std::vector<std::string>(l.items, l.items + l.count); };
  EXPECT_EQ(strings(ablations.model_labels), strings(fig12.model_labels));
  EXPECT_EQ(std::vector<unsigned long long>(ablations.contexts, ablations.contexts + ablations.context_count),
            std::vector<unsigned long long>(fig12.contexts, fig12.contexts + fig12.context_count));
  EXPECT_EQ(ablations.tokens, fig12.tokens);
  EXPECT_STREQ(ablations.accounting, fig12.accounting);
  EXPECT_STREQ(ablations.reference, fig12.reference);
  ASSERT_EQ(ablations.platform_count, fig12.platform_count);
  // docs/validation.md: the ablations kvnand can switch on, platform by platform.
  const std::vector<std::vector<std::string>> sets = {{}, {"controller.readout_spare_bytes=false"}, {}, {}};
  for (std::size_t p = 0; p < fig12.platform_count; ++p) {
    EXPECT_STREQ(ablations.platforms[p].name, fig12.platforms[p].name);
    EXPECT_STREQ(ablations.platforms[p].file, fig12.platforms[p].file);
    EXPECT_EQ(strings(ablations.platforms[p].set), sets[p]) << ablations.platforms[p].name;
    const ev_choose &a = ablations.platforms[p].choose, &f = fig12.platforms[p].choose;
    ASSERT_EQ(a.axis_count, f.axis_count) << ablations.platforms[p].name;
    for (std::size_t i = 0; i < a.axis_count; ++i) {
      EXPECT_STREQ(a.axes[i].key, f.axes[i].key);
      EXPECT_EQ(strings(a.axes[i].values), strings(f.axes[i].values)) << a.axes[i].key;
    }
  }
  ev_reference ref;
  ASSERT_EQ(ev_reference_load(ablations.reference, &ablations, &ref, &e), 0) << e.text;
  ev_reference_free(&ref);
  ev_matrix_free(&ablations);
  ev_matrix_free(&fig12);
}

}  // namespace
}  // namespace kvnand::test
