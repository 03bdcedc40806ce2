// kvnand-dse run as a user runs it, on the tiny platforms: the best split against what was
// measured, sweeps, coupled settings and the die budget.
#include <algorithm>
#include <string>
#include <vector>

#include "eval_cli.h"

namespace kvnand::test {
namespace {

TEST_F(EvalCli, DseBestIsTheMinimumOfWhatWasMeasured) {
  const ProcessResult run = dse("--precision bf16 --contexts 64,12000,20000,40000 --dies 4 --jobs 2");
  ASSERT_EQ(run.status, 0) << run.output;
  const std::vector<Row> rows = csv("dse/dse.csv");
  ASSERT_EQ(rows.size(), 16u);
  const std::vector<std::string> splits = {"G1=1+G2=3", "G1=2+G2=2", "G1=3+G2=1", "C"};
  const std::vector<Row> best = csv("dse/best.csv");
  ASSERT_EQ(best.size(), 4u);
  for (std::size_t c = 0; c < 4; ++c) {
    std::vector<std::pair<double, std::string>> fits;
    for (std::size_t s = 0; s < 4; ++s) {
      const Row& row = rows[4 * c + s];
      EXPECT_EQ(row.at("split"), splits[s]);
      EXPECT_EQ(row.at("config.channels.count"), "2");
      if (row.at("status") == "ok") {
        fits.emplace_back(std::stod(row.at("latency_per_token_s")), row.at("split"));
      } else {
        EXPECT_NE(row.at("message").find("does not fit"), std::string::npos) << row.at("message");
      }
    }
    std::stable_sort(fits.begin(), fits.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const Row& b = best[c];
    EXPECT_EQ(b.at("fit"), std::to_string(fits.size()));
    if (fits.empty()) {
      EXPECT_EQ(b.at("status"), "all OOM");
      EXPECT_EQ(b.at("best_split"), "");
      continue;
    }
    EXPECT_EQ(b.at("best_split"), fits[0].second);
    EXPECT_EQ(std::stod(b.at("latency_per_token_s")), fits[0].first);
    EXPECT_EQ(b.at("runner_up_split"), fits[1].second);
    EXPECT_DOUBLE_EQ(std::stod(b.at("margin")), fits[1].first / fits[0].first - 1.0);
  }
  // The compact variant wins on this platform; longer contexts shut out splits with fewer KV dies.
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(best[c].at("best_split"), "C");
  const std::vector<std::string> fit = {"4", "3", "2", "0"};
  for (std::size_t c = 0; c < 4; ++c) EXPECT_EQ(best[c].at("fit"), fit[c]) << c;
  EXPECT_EQ(rows[6].at("status"), "oom");  // G1=3+G2=1 at 12000
  EXPECT_TRUE(is_png(dir_ + "/dse/heatmap-d1.png"));
  EXPECT_NE(read_text(dir_ + "/dse/report.md").find("](heatmap-d1.png)"), std::string::npos);
  EXPECT_NE(run.output.find("| 40000 | all OOM |"), std::string::npos) << run.output;
}

TEST_F(EvalCli, DseSweepRunsEveryDesign) {
  write("sweep.json", R"({"parameters": {"channels.count": [1, 2], "flash.timing.tR_ns": [3000, 4000]}, "dies": 4})");
  const ProcessResult run = dse("--precision w8a8 --contexts 64 --no-plots --sweep " + dir_ + "/sweep.json");
  ASSERT_EQ(run.status, 0) << run.output;
  const std::vector<Row> rows = csv("dse/dse.csv");
  ASSERT_EQ(rows.size(), 16u);  // 4 designs x 4 splits
  const std::vector<std::string> count = {"1", "1", "2", "2"}, tr = {"3000", "4000", "3000", "4000"};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t d = i / 4;
    EXPECT_EQ(rows[i].at("design"), "d" + std::to_string(d + 1));
    EXPECT_EQ(rows[i].at("channels.count"), count[d]);
    EXPECT_EQ(rows[i].at("config.channels.dies_per_channel"), count[d] == "1" ? "4" : "2");
    EXPECT_EQ(rows[i].at("config.flash.timing.tR_ns"), tr[d]);
    // A shorter page read makes every split faster.
    if (d % 2 == 1) {
      EXPECT_GT(std::stod(rows[i].at("latency_per_token_s")), std::stod(rows[i - 4].at("latency_per_token_s")));
    }
  }
  EXPECT_EQ(csv("dse/best.csv").size(), 4u);
}

TEST_F(EvalCli, DseCoupledAxisSetsItsKeysTogether) {
  // 2 planes alone would leave the platform's max_planes_per_command of 4 above the planes. The
  // shown settings follow the order of the axis's first value.
  const std::string two = "flash.geometry.planes_per_die=2;controller.max_planes_per_command=2";
  const std::string eight = "flash.geometry.planes_per_die=8;controller.max_planes_per_command=8";
  write("sweep.json", R"({"parameters": {"planes": [
    {"flash.geometry.planes_per_die": 2, "controller.max_planes_per_command": 2},
    {"controller.max_planes_per_command": 8, "flash.geometry.planes_per_die": 8}],
    "flash.timing.tR_ns": [3000, 4000]}, "dies": 4})");
  const ProcessResult run = dse("--precision bf16 --contexts 64 --progress --sweep " + dir_ + "/sweep.json");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("] tiny-gqa bf16 d3 (planes=" + eight + ", flash.timing.tR_ns=3000) G1=1+G2=3 ctx 64: ok"),
            std::string::npos)
      << run.output;
  const std::vector<Row> rows = csv("dse/dse.csv");
  ASSERT_EQ(rows.size(), 16u);  // 4 designs x 4 splits
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t d = i / 4;
    EXPECT_EQ(rows[i].at("status") + " " + rows[i].at("planes"), "ok " + (d < 2 ? two : eight)) << i;
    for (const char* key : {"config.flash.geometry.planes_per_die", "config.controller.max_planes_per_command"})
      EXPECT_EQ(rows[i].at(key), d < 2 ? "2" : "8") << i;
    EXPECT_EQ(rows[i].at("config.flash.timing.tR_ns"), d % 2 == 0 ? "3000" : "4000") << i;
    // Four times the planes read a layer's weights in fewer page reads.
    if (d >= 2) {
      EXPECT_LT(std::stod(rows[i].at("latency_per_token_s")), std::stod(rows[i - 8].at("latency_per_token_s")));
    }
  }
  const std::vector<Row> best = csv("dse/best.csv");
  ASSERT_EQ(best.size(), 4u);
  for (std::size_t d = 0; d < 4; ++d) {
    const auto first = rows.begin() + static_cast<std::ptrdiff_t>(4 * d);
    const auto lowest = std::min_element(first, first + 4, [](const Row& a, const Row& b) {
      return std::stod(a.at("latency_per_token_s")) < std::stod(b.at("latency_per_token_s"));
    });
    EXPECT_EQ(best[d].at("planes"), d < 2 ? two : eight);
    EXPECT_EQ(best[d].at("best_split"), lowest->at("split")) << d;
    EXPECT_EQ(best[d].at("best_split"), "C") << d;  // as without the sweep on this platform
    EXPECT_EQ(best[d].at("latency_per_token_s"), lowest->at("latency_per_token_s")) << d;
  }
  EXPECT_NE(read_text(dir_ + "/dse/best.md").find("**d4** (4 dies): planes=" + eight + ", flash.timing.tR_ns=4000\n"),
            std::string::npos);
  const nlohmann::json designs = nlohmann::json::parse(read_text(dir_ + "/dse/run.json"))["designs"];
  EXPECT_EQ(designs[1]["parameters"]["planes"], two);
  EXPECT_TRUE(is_png(dir_ + "/dse/heatmap-d4.png"));
}

TEST_F(EvalCli, DseCoupledChannelShapeSetsTheDieBudget) {
  write("sweep.json", R"({"parameters": {"shape": [{"channels.count": 1, "channels.dies_per_channel": 2},
    {"channels.count": 2, "flash.timing.tR_ns": 3000}]}, "dies": 4})");
  const ProcessResult run = dse("--precision bf16 --contexts 64 --no-plots --sweep " + dir_ + "/sweep.json");
  ASSERT_EQ(run.status, 0) << run.output;
  // d1: 1 x 2 dies (the budget is their product), 2 runs; d2: 2 channels of the budget's 4 dies.
  const std::vector<Row> rows = csv("dse/dse.csv");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].at("split") + " " + rows[2].at("split"), "G1=1+G2=1 G1=1+G2=3");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].at("dies"), i < 2 ? "2" : "4") << i;
    EXPECT_EQ(rows[i].at("config.channels.count"), i < 2 ? "1" : "2") << i;
    EXPECT_EQ(rows[i].at("config.channels.dies_per_channel"), "2") << i;
    EXPECT_EQ(rows[i].at("config.flash.timing.tR_ns"), i < 2 ? "4000" : "3000") << i;
  }
  EXPECT_NE(read_text(dir_ + "/dse/best.md").find("(die budget 4, or the product of channels.count and "
                                                  "channels.dies_per_channel where the sweep sets both)"),
            std::string::npos);
}

}  // namespace
}  // namespace kvnand::test
