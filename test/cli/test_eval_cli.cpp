// kvnand-eval run as a user runs it, on the tiny platforms and models: the CSV rows against each
// run's report.json, speed-ups, choices, OOM and failed points, interrupts, and bad input to both
// tools (the DSE's own tests are in test_dse_cli.cpp).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "eval_cli.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

const std::string kTwoPlatforms = R"(
  "baseline": "D",
  "platforms": [
    {"name": "D", "file": "tiny-decode-d.json"},
    {"name": "C", "file": "tiny-decode-c.json", "set": ["ifc.pipeline_mode=stream", "npu.power_W=4.6"]}
  ])";

TEST_F(EvalCli, ResultsHoldEachReportAndSpeedupsAreItsRatios) {
  const ProcessResult run = eval(
      R"({"models": ["tiny-gqa", "tiny-mha"], "contexts": [64, 256], "tokens": 2,)" + kTwoPlatforms + "}", "--jobs 2");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("8 points: 8 ok, 0 oom, 0 failed; 8 runs (0 failed)"), std::string::npos) << run.output;
  std::vector<std::string> header;
  const std::vector<Row> rows = csv("out/results.csv", &header);
  ASSERT_EQ(rows.size(), 8u);
  ASSERT_GE(header.size(), kFixedColumns.size());
  EXPECT_EQ(std::vector<std::string>(header.begin(), header.begin() + 12), kFixedColumns);
  // Report leaves, then the resolved config's; arrays (token_latency_s) left out.
  const auto column = [&](const std::string& name) { return std::find(header.begin(), header.end(), name); };
  for (const char* name : {"breakdown_s.qkv", "energy_per_token_J.total", "capacity.kv_bytes", "run.variant"})
    EXPECT_LT(column(name), column("config.flash.timing.tR_ns")) << name;
  EXPECT_EQ(column("token_latency_s"), header.end());
  EXPECT_EQ(column("config"), header.end());
  std::map<std::string, double> tokens_per_s;  // "platform model context"
  for (const Row& row : rows) {
    EXPECT_EQ(row.at("status"), "ok");
    EXPECT_EQ(row.at("message"), "");
    EXPECT_EQ(row.at("precision"), "bf16");
    EXPECT_EQ(row.at("tokens"), "2");
    EXPECT_EQ(row.at("accounting"), "faithful");
    EXPECT_EQ(row.at("set"), row.at("platform") == "C" ? "ifc.pipeline_mode=stream;npu.power_W=4.6" : "");
    EXPECT_EQ(row.at("platform_file"), dir_ + "/tiny-decode-" + (row.at("platform") == "C" ? "c" : "d") + ".json");
    const nlohmann::json r = report("out", row);
    EXPECT_EQ(r["run"]["model"], row.at("model"));
    EXPECT_EQ(std::to_string(r["run"]["context_tokens"].get<int>()), row.at("context"));
    std::map<std::string, nlohmann::json> flat;
    leaves(r, "", flat);
    for (const auto& [key, value] : flat) {
      ASSERT_TRUE(row.count(key)) << key;
      expect_cell(row.at(key), value, key);
    }
    tokens_per_s[row.at("platform") + " " + row.at("model") + " " + row.at("context")] =
        r["tokens_per_s"].get<double>();
  }
  const std::vector<Row> speedups = csv("out/speedup.csv");
  ASSERT_EQ(speedups.size(), 6u);  // C: 2 models and the geomean at each of 2 contexts
  for (const std::string context : {"64", "256"}) {
    std::vector<double> ratios;
    for (const std::string model : {"tiny-gqa", "tiny-mha"}) {
      const double ratio = tokens_per_s["C " + model + " " + context] / tokens_per_s["D " + model + " " + context];
      ratios.push_back(ratio);
      const auto row = std::find_if(speedups.begin(), speedups.end(), [&](const Row& s) {
        return s.at("context") == context && s.at("model") == model && s.at("platform") == "C";
      });
      ASSERT_NE(row, speedups.end());
      EXPECT_EQ(std::stod(row->at("speedup")), ratio) << context << " " << model;
      EXPECT_EQ(row->at("baseline"), "D");
    }
    const auto mean = std::find_if(speedups.begin(), speedups.end(), [&](const Row& s) {
      return s.at("context") == context && s.at("model") == "geomean";
    });
    ASSERT_NE(mean, speedups.end());
    EXPECT_DOUBLE_EQ(std::stod(mean->at("speedup")), std::sqrt(ratios[0] * ratios[1]));
    EXPECT_EQ(mean->at("models"), "2");
  }
  EXPECT_NE(read_text(dir_ + "/out/speedup.md").find("| 64 | **geomean** |"), std::string::npos);
  for (const char* figure : {"throughput", "speedup", "breakdown", "energy"})
    EXPECT_TRUE(is_png(dir_ + "/out/figures/" + figure + ".png")) << figure;
  const std::string md = read_text(dir_ + "/out/report.md");
  for (const char* part :
       {"# KVNAND evaluation", "## Speed-up over D", "](figures/throughput.png)", "## Out-of-memory and failed points"})
    EXPECT_NE(md.find(part), std::string::npos) << part;
}

TEST_F(EvalCli, FailedPointsAreRowsThatSayWhy) {
  const ProcessResult run = eval(R"({"models": ["tiny-gqa", "no-such-model.json"], "contexts": [64],
    "baseline": "D", "platforms": [{"name": "D", "file": "tiny-decode-d.json"},
      {"name": "Broken", "file": "tiny-decode-c.json", "set": ["ifc.fmacs_per_plane=0"]}]})",
                                 "--no-plots");
  EXPECT_EQ(run.status, 4) << run.output;
  EXPECT_NE(run.output.find("4 points: 1 ok, 0 oom, 3 failed"), std::string::npos) << run.output;
  const std::vector<Row> rows = csv("out/results.csv");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].at("status"), "ok");
  EXPECT_NE(rows[0].at("tokens_per_s"), "");
  EXPECT_EQ(rows[1].at("status"), "failed");
  EXPECT_EQ(rows[1].at("message").rfind("exit status 2: kvnand-sim: --set: ifc.fmacs_per_plane:", 0), 0u)
      << rows[1].at("message");
  EXPECT_EQ(rows[1].at("tokens_per_s"), "");
  EXPECT_EQ(rows[2].at("status"), "failed");
  EXPECT_NE(rows[2].at("message").find(dir_ + "/no-such-model.json"), std::string::npos) << rows[2].at("message");
  EXPECT_NE(read_text(dir_ + "/out/" + rows[2].at("run_dir") + "/log.txt").find("cannot open"), std::string::npos);
  const std::vector<Row> speedups = csv("out/speedup.csv");
  EXPECT_EQ(speedups[0].at("speedup"), "failed");
  EXPECT_EQ(speedups[1].at("speedup"), "failed");
  EXPECT_EQ(speedups[2].at("speedup"), "n/a");
}

TEST_F(EvalCli, OutOfMemoryIsARowWithTheReason) {
  // 20000 tokens of tiny-gqa's KV (1 KiB each) fit the 32 MiB of tiny-decode-c, not the 16 MiB of
  // tiny-decode-d's two KV dies; 60000 fit neither.
  const ProcessResult run =
      eval(R"({"models": ["tiny-gqa"], "contexts": [64, 20000, 60000],)" + kTwoPlatforms + "}", "--no-plots");
  EXPECT_EQ(run.status, 0) << run.output;
  const std::vector<Row> rows = csv("out/results.csv");
  ASSERT_EQ(rows.size(), 6u);
  const std::vector<std::string> status = {"ok", "ok", "oom", "ok", "oom", "oom"};
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].at("status"), status[i]) << i;
  const Row& oom = rows[2];
  EXPECT_EQ(oom.at("platform") + oom.at("context"), "D20000");
  EXPECT_NE(oom.at("message").find("KV cache does not fit"), std::string::npos) << oom.at("message");
  EXPECT_NE(oom.at("message").find("20001 tokens"), std::string::npos) << oom.at("message");
  const nlohmann::json r = report("out", oom);
  EXPECT_EQ(oom.at("message"), r["oom"]["reason"]);
  EXPECT_EQ(std::stod(oom.at("capacity.kv_bytes")), r["capacity"]["kv_bytes"].get<double>());
  EXPECT_EQ(oom.at("tokens_per_s"), "");
  const std::vector<Row> speedups = csv("out/speedup.csv");
  ASSERT_EQ(speedups.size(), 6u);
  EXPECT_EQ(speedups[2].at("speedup"), "baseline OOM");
  EXPECT_EQ(speedups[3].at("models"), "0");
  EXPECT_EQ(speedups[4].at("speedup"), "OOM");
}

TEST_F(EvalCli, ChooseKeepsTheFastestCandidateThatFits) {
  const ProcessResult run = eval(R"({"models": ["tiny-gqa"], "contexts": [64, 12000], "baseline": "D",
    "platforms": [{"name": "D", "file": "tiny-decode-d.json"}, {"name": "D-best", "file": "tiny-decode-d.json",
      "choose": {"key": "dataflow.g2_dies", "values": [3, 1, 2]}}]})",
                                 "--no-plots --jobs 2");
  ASSERT_EQ(run.status, 0) << run.output;
  const std::vector<Row> candidates = csv("out/candidates.csv");
  ASSERT_EQ(candidates.size(), 6u);
  const std::vector<Row> rows = csv("out/results.csv");
  ASSERT_EQ(rows.size(), 4u);
  for (std::size_t c = 0; c < 2; ++c) {
    const Row& row = rows[2 * c + 1];
    std::string best;
    double lowest = INFINITY;
    for (std::size_t v = 0; v < 3; ++v) {
      const Row& candidate = candidates[3 * c + v];
      EXPECT_EQ(candidate.at("chosen"), std::string("dataflow.g2_dies=") + "312"[v]);
      EXPECT_EQ(candidate.at("context"), row.at("context"));
      if (candidate.at("status") == "ok" && std::stod(candidate.at("latency_per_token_s")) < lowest) {
        lowest = std::stod(candidate.at("latency_per_token_s"));
        best = candidate.at("chosen");
      }
    }
    EXPECT_EQ(row.at("chosen"), best);
    EXPECT_EQ(std::stod(row.at("latency_per_token_s")), lowest);
    EXPECT_EQ(row.at("config.dataflow.g2_dies"), best.substr(best.find('=') + 1));
  }
  // Short contexts favour more weight dies; at 12000 tokens one KV die runs out of memory and
  // attention over three KV dies beats two.
  EXPECT_EQ(rows[1].at("chosen"), "dataflow.g2_dies=1");
  EXPECT_EQ(candidates[4].at("status"), "oom");
  EXPECT_EQ(rows[3].at("chosen"), "dataflow.g2_dies=3");
  const nlohmann::json choose = nlohmann::json::parse(read_text(dir_ + "/out/run.json"))["platforms"][1]["choose"];
  EXPECT_EQ(choose, nlohmann::json::parse(R"({"key": "dataflow.g2_dies", "values": ["3", "1", "2"]})"));
}

TEST_F(EvalCli, ChooseOverSeveralKeysKeepsTheFastestCombination) {
  // tiny-gqa has 2 KV heads: 1 or 2 head groups per pipeline step; the page read time as a third key.
  const ProcessResult run = eval(R"({"models": ["tiny-gqa"], "contexts": [64, 12000], "baseline": "D",
    "platforms": [{"name": "D", "file": "tiny-decode-d.json", "choose": {"key": "dataflow.g2_dies", "values": [1, 3],
      "also": {"dataflow.head_groups_per_step": [1, 2], "flash.timing.tR_ns": [6000, 3000]}}}]})",
                                 "--jobs 2");
  ASSERT_EQ(run.status, 0) << run.output;
  const std::vector<Row> candidates = csv("out/candidates.csv"), rows = csv("out/results.csv");
  ASSERT_EQ(candidates.size(), 2u * 2u * 2u * 2u);  // contexts x g2_dies x head groups x tR
  ASSERT_EQ(rows.size(), 2u);
  for (std::size_t c = 0; c < 2; ++c) {
    std::size_t best = candidates.size();
    for (std::size_t v = 0; v < 8; ++v) {
      const Row& candidate = candidates[8 * c + v];
      // The key outermost, the "also" keys inside it in file order, the last fastest.
      const std::string chosen = std::string("dataflow.g2_dies=") + "13"[v / 4] + ";dataflow.head_groups_per_step=" +
                                 "12"[v / 2 % 2] + ";flash.timing.tR_ns=" + (v % 2 == 0 ? "6000" : "3000");
      EXPECT_EQ(candidate.at("chosen"), chosen);
      EXPECT_EQ(candidate.at("context"), rows[c].at("context"));
      for (const auto& [key, value] : settings(chosen)) EXPECT_EQ(candidate.at("config." + key), value) << chosen;
      EXPECT_NE(candidate.at("run_dir").find(std::string("-g2_dies=") + "13"[v / 4] + "-head_groups_per_step="),
                std::string::npos)
          << candidate.at("run_dir");
      if (candidate.at("status") == "ok" &&
          (best == candidates.size() ||
           std::stod(candidate.at("latency_per_token_s")) < std::stod(candidates[best].at("latency_per_token_s"))))
        best = 8 * c + v;
    }
    ASSERT_LT(best, candidates.size());
    EXPECT_EQ(rows[c].at("chosen"), candidates[best].at("chosen"));
    EXPECT_EQ(rows[c].at("run_dir"), candidates[best].at("run_dir"));
    std::map<std::string, nlohmann::json> flat;
    leaves(report("out", rows[c]), "", flat);
    for (const auto& [key, value] : flat) expect_cell(rows[c].at(key), value, key);
  }
  EXPECT_EQ(candidates[8].at("status"), "oom");  // one KV die holds no 12000 tokens
  EXPECT_EQ(settings(rows[1].at("chosen"))["dataflow.g2_dies"], "3");
  EXPECT_EQ(settings(rows[0].at("chosen"))["flash.timing.tR_ns"], "3000");
  const nlohmann::json choose = nlohmann::json::parse(read_text(dir_ + "/out/run.json"))["platforms"][0]["choose"];
  EXPECT_EQ(choose["also"], nlohmann::json::parse(R"({"dataflow.head_groups_per_step": ["1", "2"],
                                                      "flash.timing.tR_ns": ["6000", "3000"]})"));
  const std::string md = read_text(dir_ + "/out/report.md");
  const std::string groups = settings(rows[1].at("chosen"))["dataflow.head_groups_per_step"];
  for (const std::string& part :
       {std::string("| dataflow.g2_dies in {1, 3} x dataflow.head_groups_per_step in {1, 2} x flash.timing.tR_ns in "
                    "{6000, 3000} |"),
        "(g2_dies=3, head_groups_per_step=" + groups + ", tR_ns=3000)"})
    EXPECT_NE(md.find(part), std::string::npos) << part << "\n" << md;
}

TEST_F(EvalCli, InterruptKeepsWhatFinished) {
  // A stand-in for kvnand-sim that interrupts kvnand-eval (its parent) at context 256.
  write("fake-sim.sh",
        "#!/bin/sh\nfor a in \"$@\"; do if [ \"$a\" = 256 ]; then kill -INT $PPID; exec sleep 30; fi; "
        "done\nexec " +
            kSim + " \"$@\"\n");
  fs::permissions(dir_ + "/fake-sim.sh", fs::perms::owner_all);
  const ProcessResult run = eval(R"({"models": ["tiny-gqa"], "contexts": [64, 256, 512],)" + kTwoPlatforms + "}",
                                 "--jobs 1 --sim " + dir_ + "/fake-sim.sh");
  EXPECT_EQ(run.status, 130) << run.output;
  EXPECT_NE(run.output.find("6 points: 2 ok, 0 oom, 0 failed, 4 not run"), std::string::npos) << run.output;
  const std::vector<Row> rows = csv("out/results.csv");
  ASSERT_EQ(rows.size(), 6u);
  for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i].at("status"), i < 2 ? "ok" : "not run") << i;
  EXPECT_FALSE(fs::exists(dir_ + "/out/figures"));
}

TEST_F(EvalCli, BadInputNamesTheFileAndKeyAndWritesNothing) {
  const std::string ok = R"("models": ["tiny-gqa"], "contexts": [64], "baseline": "D",
    "platforms": [{"name": "D", "file": "tiny-decode-d.json"}])";
  // A platform that chooses dataflow.g2_dies 1 or 2 and `also` more.
  const auto choose = [](const std::string& also) {
    return R"({"models": ["tiny-gqa"], "contexts": [64], "baseline": "D", "platforms": [{"name": "D",
      "file": "tiny-decode-d.json", "choose": {"key": "dataflow.g2_dies", "values": [1, 2], )" +
           also + "}}]}";
  };
  std::string many = "[1";  // 20 values
  for (int i = 2; i <= 20; ++i) many += ", " + std::to_string(i);
  many += "]";
  struct Case {
    std::string matrix, args, expected;
  };
  const std::vector<Case> cases = {
      {"{" + ok + R"(, "contexs": [1]})", "", "matrix.json: contexs: unknown key; accepted here: description, models"},
      {R"({"models": ["tiny-gqa"], "contexts": [64, -1], "baseline": "D", "platforms": []})", "",
       "matrix.json: contexts[1]: expected an integer from 0 to 4294967296, got -1"},
      {"{" + ok + ",\n \"precisions\": [\"fp8\"]}", "", "precisions[0]: expected one of \"bf16\", \"w8a8\", \"w4a16\""},
      {R"({"models": ["tiny-gqa"], "contexts": [64], "baseline": "D",
           "platforms": [{"name": "D", "file": "nowhere.json"}]})",
       "", "platforms[0].file: cannot read"},
      {R"({"models": ["a"], "contexts": [64], "baseline": "X", "platforms": [{"name": "D", "file": "tiny-decode-d.json",
           "set": ["g2_dies"]}]})",
       "", "platforms[0].set[0]: expected \"key.path=value\""},
      {"{" + ok + R"(, "tokens": 1, "tokens": 2})", "", "matrix.json: tokens: duplicate key"},
      {"{\n  \"models\": [\"tiny-gqa\",]\n}", "", "matrix.json:2:"},
      {"{" + ok + "}", "--baseline Nope", "--baseline: \"Nope\" is not a platform"},
      {"{" + ok + R"(, "dse": [{"model": "tiny-gqa", "sweep": "sweep.json"}]})", "",
       "dse[0] (tiny-gqa at bf16): " + dir_ + "/sweep.json: parameters: expected an object"},
      {"{" + ok + "}", "--jobs 0", "--jobs: expected a whole number from 1 to 1024"},
      {choose(R"("also": {"dataflow.g2_dies": [2]})"),
       "", "matrix.json: platforms[0].choose.also.dataflow.g2_dies: dataflow.g2_dies is the choice's \"key\" already; "
       "\"also\" names other config keys"},
      {choose(R"("also": {"ifc.fmacs_per_plane": [8], "ifc.fmacs_per_plane": [16]})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane: duplicate key"},
      {choose(R"("also": {"ifc.fmacs_per_plane": []})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane: expected a non-empty array, got []"},
      {choose(R"("also": {"ifc.fmacs_per_plane": 8})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane: expected a non-empty array, got 8"},
      {choose(R"("also": {"ifc.fmacs_per_plane": [8, [16]]})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane[1]: expected a number, a non-empty string or a "
       "boolean, got [16]"},
      {choose(R"("also": {"ifc.fmacs_per_plane": [8, 8]})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane[1]: value 8 appears twice"},
      {choose(R"("also": ["ifc.fmacs_per_plane"])"), "",
       "matrix.json: platforms[0].choose.also: expected an object, got [\"ifc.fmacs_per_plane\"]"},
      {choose(R"("also": {})"), "", "matrix.json: platforms[0].choose.also: an empty object"},
      {choose(R"("also": {"ifc.fmacs_per_plane=8": [16]})"), "",
       "matrix.json: platforms[0].choose.also.ifc.fmacs_per_plane=8: a config key path may not be empty or hold '='"},
      {choose(R"("also": {"a": )" + many + R"(, "b": )" + many + R"(, "c": [1, 2]})"), "",
       "matrix.json: platforms[0].choose.also.c: 1600 runs per point (2 x 20 x 20 x 2 values); at most 1024"},
      {choose(R"("als": {"ifc.fmacs_per_plane": [8]})"), "",
       "matrix.json: platforms[0].choose.als: unknown key; accepted here: key, values, also"},
      {"{" + ok + "}", "--frobnicate", "unknown option '--frobnicate'"},
  };
  write("sweep.json", R"({"parameters": [1]})");
  for (const Case& c : cases) {
    const ProcessResult run = eval(c.matrix, c.args);
    EXPECT_EQ(run.status, 2) << c.matrix << "\n" << run.output;
    EXPECT_NE(run.output.find(c.expected), std::string::npos) << c.matrix << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/out")) << c.matrix;
  }
  const std::vector<std::pair<std::string, std::string>> dse_cases = {
      {R"({"paramters": {}})", "sweep.json: paramters: unknown key"},
      {R"({"parameters": {"flash.timing.tR_ns": 3000}})", "parameters.flash.timing.tR_ns: expected a non-empty array"},
      {R"({"parameters": {"dataflow.g2_dies": [1]}})", "parameters.dataflow.g2_dies: the study sets dataflow.g2_dies"},
      {R"({"parameters": {"channels.count": [3]}, "dies": 4})",
       "parameters.channels.count: 3 channels do not divide the die budget of 4 dies"},
      {R"({"parameters": {"planes": [{"flash.geometry.planes_per_die": 8}, 16]}})",
       "sweep.json: parameters.planes[1]: not an object, unlike parameters.planes[0]"},
      {R"({"parameters": {"ifc.fmacs_per_plane": [8, {"ifc.fmacs_per_plane": 16}]}})",
       "sweep.json: parameters.ifc.fmacs_per_plane[1]: an object, unlike parameters.ifc.fmacs_per_plane[0]"},
      {R"({"parameters": {"planes": [{}]}})", "sweep.json: parameters.planes[0]: an empty object"},
      {R"({"parameters": {"planes": [{"flash.geometry.planes_per_die": [8]}]}})",
       "sweep.json: parameters.planes[0].flash.geometry.planes_per_die: expected a number"},
      {R"({"parameters": {"p": [{"flash.timing.tR_ns": 3000, "dataflow.g2_dies": 1}]}})",
       "sweep.json: parameters.p[0].dataflow.g2_dies: the study sets dataflow.g2_dies"},
      {R"({"parameters": {"p": [{"ifc.fmacs_per_plane": 8, "flash.timing.tR_ns": 3000},
                                {"flash.timing.tR_ns": 3000, "ifc.fmacs_per_plane": 8}]}})",
       "sweep.json: parameters.p[1]: the same settings as parameters.p[0]"},
      {R"({"parameters": {"flash.timing.tR_ns": [3000], "p": [{"flash.timing.tR_ns": 4000}]}})",
       "sweep.json: parameters.p: sets flash.timing.tR_ns, which parameters.flash.timing.tR_ns sets too"},
      {R"({"parameters": {"split": [{"flash.timing.tR_ns": 4000}]}})",
       "sweep.json: parameters.split: a column of dse.csv or best.csv has this name"},
      {R"({"parameters": {"shape": [{"channels.count": 2}, {"channels.count": 3}]}, "dies": 4})",
       "sweep.json: parameters.shape[1].channels.count: 3 channels do not divide the die budget of 4 dies"},
  };
  for (const auto& [sweep, expected] : dse_cases) {
    write("sweep.json", sweep);
    const ProcessResult run = dse("--precision bf16 --contexts 64 --sweep " + dir_ + "/sweep.json");
    EXPECT_EQ(run.status, 2) << sweep << "\n" << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << sweep << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/dse")) << sweep;
  }
  for (const auto& [args, expected] : std::vector<std::pair<std::string, std::string>>{
           {"--precision bf16 --contexts 64 --dies 3", "a die budget of 3 dies does not divide into 2 channels"},
           {"--precision fp8 --contexts 64", "--precision: fp8 not in {bf16,w8a8,w4a16}"},
           {"--precision bf16 --contexts 64,x", "--contexts: expected a whole number"},
           {"--contexts 64", "missing --precision P"}}) {
    const ProcessResult run = dse(args);
    EXPECT_EQ(run.status, 2) << args << "\n" << run.output;
    EXPECT_NE(run.output.find(expected), std::string::npos) << args << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/dse")) << args;
  }
}

}  // namespace
}  // namespace kvnand::test
