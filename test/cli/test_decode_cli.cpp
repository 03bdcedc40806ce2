// kvnand-sim decode runs as a user runs them: report keys, variants, modes, capacity, bad input.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_process.h"

namespace kvnand::test {
namespace {

namespace fs = std::filesystem;

const std::string kSim = KVNAND_SIM;
const std::string kSource = KVNAND_SOURCE_DIR;

class DecodeCli : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kvnand-decode-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(dir_); }
  /// Runs a decode on a tiny platform; `out` names a folder below the test's temporary folder.
  ProcessResult decode(const std::string& platform, const std::string& args, const std::string& out) const {
    return run_process(kSim + " --platform " + kSource + "/platforms/" + platform + ".json " + args + " --out " +
                       dir_ + "/" + out);
  }
  nlohmann::json report(const std::string& out) const {
    return nlohmann::json::parse(read_text(dir_ + "/" + out + "/report.json"));
  }
  double latency(const std::string& platform, const std::string& args, const std::string& out) const {
    const ProcessResult run = decode(platform, args + " --quiet", out);
    EXPECT_EQ(run.status, 0) << run.output;
    return report(out)["latency_per_token_s"].get<double>();
  }
  std::string dir_;
};

TEST_F(DecodeCli, ReportHoldsEveryDocumentedKey) {
  const ProcessResult run = decode("tiny-decode-c", "--model tiny-gqa --context 100 --tokens 2", "out");
  ASSERT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("tiny-gqa (bf16, faithful) on tiny-decode-c (compact), context 100, 2 tokens"),
            std::string::npos)
      << run.output;
  const nlohmann::json r = report("out");
  for (const char* key : {"version", "config", "model", "run", "simulated_time_s", "tokens_per_s",
                          "latency_per_token_s", "token_latency_s", "breakdown_s", "energy_per_token_J", "capacity",
                          "oom", "utilisation", "work", "wear", "kv_write", "host"})
    EXPECT_TRUE(r.contains(key)) << key;
  for (const char* key : {"qkv", "logit", "softmax", "attend", "o_proj", "ffn", "lm_head", "kv_write", "npu_other",
                          "transfer", "idle"})
    EXPECT_TRUE(r["breakdown_s"].contains(key)) << key;
  for (const char* key : {"weights_bytes", "kv_bytes", "available_bytes"}) EXPECT_TRUE(r["capacity"].contains(key));
  EXPECT_FALSE(r["oom"]["value"].get<bool>());
  EXPECT_EQ(r["token_latency_s"].size(), 2u);
  EXPECT_EQ(r["utilisation"]["dies"].size(), 4u);
  EXPECT_EQ(r["config"]["dataflow"]["variant"], "compact");
  EXPECT_NEAR(r["tokens_per_s"].get<double>() * r["latency_per_token_s"].get<double>(), 1.0, 1e-9);
  EXPECT_GT(r["energy_per_token_J"]["total"].get<double>(), r["energy_per_token_J"]["array_read"].get<double>());
}

TEST_F(DecodeCli, HeadGroupPipeliningHelpsMostWhenAttentionIsNearQkv) {
  // tiny-gqa on tiny-decode-d: at 512 tokens a head group's attention takes about as long as its
  // QKV; at 12000 tokens attention dominates and the hidden QKV time is a small share.
  const double near_on = latency("tiny-decode-d", "--model tiny-gqa --context 512", "a");
  const double near_off =
      latency("tiny-decode-d", "--model tiny-gqa --context 512 --set dataflow.head_group_pipelining=false", "b");
  const double far_on = latency("tiny-decode-d", "--model tiny-gqa --context 12000", "c");
  const double far_off =
      latency("tiny-decode-d", "--model tiny-gqa --context 12000 --set dataflow.head_group_pipelining=false", "d");
  EXPECT_LT(near_on, near_off * 0.95);
  EXPECT_LT(far_on, far_off);
  EXPECT_GT(far_on, far_off * 0.975);
}

TEST_F(DecodeCli, StepsOfSeveralHeadGroupsDoTheSameWorkWithFewerCommands) {
  // tiny-mha (2 layers, 4 KV heads) at a short context: each step costs a QKV GEMV (broadcast,
  // kernels, partial sums) and a RoPE; steps of 2 or 4 head groups do the same MACs and page
  // reads with 2 x 2 or 2 x 3 fewer GEMVs and RoPEs, and take less time per token.
  const std::string args = "--model tiny-mha --context 64 --tokens 2 --quiet";
  std::vector<nlohmann::json> reports;
  for (const char* n : {"1", "2", "4"}) {
    ASSERT_EQ(decode("tiny-decode-d", args + " --set dataflow.head_groups_per_step=" + n, n).status, 0);
    reports.push_back(report(n));
    EXPECT_EQ(reports.back()["config"]["dataflow"]["head_groups_per_step"], std::stoi(n));
  }
  for (std::size_t i = 1; i < reports.size(); ++i) {
    EXPECT_EQ(reports[i]["work"]["macs"], reports[0]["work"]["macs"]);
    EXPECT_EQ(reports[i]["work"]["page_reads"], reports[0]["work"]["page_reads"]);
    EXPECT_LT(reports[i]["latency_per_token_s"].get<double>(), reports[i - 1]["latency_per_token_s"].get<double>());
  }
  // Per token and layer, a step fewer is an NPU aggregation and a RoPE fewer: 2 tokens x 2 layers.
  EXPECT_EQ(reports[0]["work"]["npu_operations"].get<int>() - reports[1]["work"]["npu_operations"].get<int>(), 16);
  EXPECT_EQ(reports[0]["work"]["npu_operations"].get<int>() - reports[2]["work"]["npu_operations"].get<int>(), 24);
}

TEST_F(DecodeCli, PageModeAndStreamModeAgree) {
  const std::string args = "--model tiny-moe --context 300 --tokens 3";
  ASSERT_EQ(decode("tiny-decode-d", args + " --quiet --set ifc.pipeline_mode=stream", "stream").status, 0);
  ASSERT_EQ(decode("tiny-decode-d", args + " --quiet --set ifc.pipeline_mode=page", "page").status, 0);
  const nlohmann::json stream = report("stream");
  const nlohmann::json page = report("page");
  EXPECT_EQ(stream["token_latency_s"], page["token_latency_s"]);
  EXPECT_EQ(stream["work"], page["work"]);
  EXPECT_EQ(stream["energy_per_token_J"], page["energy_per_token_J"]);
}

TEST_F(DecodeCli, RunsAreDeterministic) {
  const std::string args = "--model tiny-moe --context 77 --tokens 4 --quiet";
  ASSERT_EQ(decode("tiny-decode-c", args, "one").status, 0);
  ASSERT_EQ(decode("tiny-decode-c", args, "two").status, 0);
  nlohmann::json one = report("one"), two = report("two");
  one.erase("host");
  two.erase("host");
  EXPECT_EQ(one, two);
}

TEST_F(DecodeCli, OutOfMemoryExitsThreeWithTheNumbers) {
  const ProcessResult run = decode("tiny-decode-d", "--model tiny-gqa --context 60000", "oom");
  EXPECT_EQ(run.status, 3) << run.output;
  EXPECT_NE(run.output.find("out of memory: KV cache does not fit"), std::string::npos) << run.output;
  const nlohmann::json r = report("oom");
  EXPECT_TRUE(r["oom"]["value"].get<bool>());
  EXPECT_NE(r["oom"]["reason"].get<std::string>().find("60001 tokens"), std::string::npos) << r["oom"];
  EXPECT_GT(r["capacity"]["kv_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(r.contains("tokens_per_s"));
}

TEST_F(DecodeCli, Base1RunsOutOfDramExactlyAtItsCapacity) {
  // tiny-gqa keeps 8 streams x 128 B = 1024 B of K/V per token; tiny-base1 has 2 x 128 KiB of DRAM:
  // 256 tokens fit, 257 do not.
  const ProcessResult fits = decode("tiny-base1", "--model tiny-gqa --context 255 --tokens 1 --quiet", "fits");
  EXPECT_EQ(fits.status, 0) << fits.output;
  EXPECT_EQ(report("fits")["capacity"]["kv_bytes"], 262144);
  const ProcessResult over = decode("tiny-base1", "--model tiny-gqa --context 256 --tokens 1", "over");
  EXPECT_EQ(over.status, 3) << over.output;
  EXPECT_NE(over.output.find("out of memory: KV cache does not fit the DRAM: 263168 bytes needed, 262144 bytes "
                             "available"),
            std::string::npos)
      << over.output;
  EXPECT_TRUE(report("over")["oom"]["value"].get<bool>());
}

TEST_F(DecodeCli, BaselinesReportTheirDramAndPlainDies) {
  ASSERT_EQ(decode("tiny-base1", "--model tiny-gqa --context 100 --tokens 2 --quiet", "base1").status, 0);
  const nlohmann::json b1 = report("base1");
  EXPECT_EQ(b1["run"]["variant"], "dram_kv");
  EXPECT_EQ(b1["run"]["kv_dies"], 0);
  EXPECT_EQ(b1["run"]["dram_bytes"], 262144);
  ASSERT_EQ(b1["utilisation"]["dram_channels"].size(), 2u);
  // Two tokens append 2 x 8 streams x 128 B; attention reads every stream's 101 and 102 tokens.
  std::uint64_t written = 0, read = 0;
  for (const auto& ch : b1["utilisation"]["dram_channels"]) {
    written += ch["bytes_written"].get<std::uint64_t>();
    read += ch["bytes_read"].get<std::uint64_t>();
  }
  EXPECT_EQ(written, 2u * 8 * 128);
  EXPECT_GE(read, 8u * (101 + 102) * 128);
  EXPECT_GT(b1["energy_per_token_J"]["dram"].get<double>(), 0.0);
  EXPECT_EQ(b1["kv_write"]["pages_programmed"], 0);

  // 31 context tokens + 2: every stream's first page (32 tokens) fills and is programmed into a plain die.
  ASSERT_EQ(decode("tiny-base2", "--model tiny-gqa --context 31 --tokens 2 --quiet", "base2").status, 0);
  const nlohmann::json b2 = report("base2");
  EXPECT_EQ(b2["run"]["variant"], "nand_kv");
  EXPECT_EQ(b2["kv_write"]["pages_programmed"], 8);
  std::uint64_t plain_programs = 0;
  for (const auto& die : b2["utilisation"]["dies"]) {
    EXPECT_EQ(die["compute"].get<bool>(), die["die"] == 0) << die;
    if (die["die"] == 1) plain_programs += die["kv_programs"].get<std::uint64_t>();
  }
  EXPECT_EQ(plain_programs, 8u);
  EXPECT_EQ(b2["energy_per_token_J"]["dram"].get<double>(), 0.0);
}

TEST_F(DecodeCli, DieSplitIsAnOverride) {
  ASSERT_EQ(decode("tiny-decode-d", "--model tiny-gqa --context 64 --quiet --set dataflow.g2_dies=1", "split").status,
            0);
  const nlohmann::json r = report("split");
  EXPECT_EQ(r["run"]["kv_dies"], 1);
  EXPECT_EQ(r["run"]["weight_dies"], 3);
  EXPECT_EQ(r["config"]["dataflow"]["g2_dies"], 1);
}

TEST_F(DecodeCli, PaperAccountingReadsEveryExpertAndNoLmHead) {
  ASSERT_EQ(decode("tiny-decode-c", "--model tiny-moe --context 64 --tokens 3 --accounting paper --quiet", "paper")
                .status,
            0);
  const nlohmann::json r = report("paper");
  EXPECT_EQ(r["run"]["accounting"], "paper");
  EXPECT_EQ(r["expert_reads"], nlohmann::json::array({6, 6, 6, 6}));  // 2 layers x 3 tokens each
  EXPECT_EQ(r["breakdown_s"]["lm_head"].get<double>(), 0.0);
}

TEST_F(DecodeCli, LowerPrecisionShrinksWeightsAndKv) {
  for (const char* precision : {"bf16", "w8a8", "w4a16"})
    ASSERT_EQ(decode("tiny-decode-c", std::string("--model tiny-gqa --context 256 --quiet --precision ") + precision,
                     precision)
                  .status,
              0)
        << precision;
  const nlohmann::json bf16 = report("bf16"), w8a8 = report("w8a8"), w4a16 = report("w4a16");
  EXPECT_EQ(w8a8["run"]["precision"], "w8a8");
  // tiny-gqa's matrices are whole pages at every precision, so weight bytes halve and quarter exactly.
  const auto weights = [](const nlohmann::json& r) { return r["capacity"]["weights_bytes"].get<std::uint64_t>(); };
  EXPECT_EQ(weights(w8a8) * 2, weights(bf16));
  EXPECT_EQ(weights(w4a16) * 4, weights(bf16));
  // KV: 8-bit with W8A8 (32 -> 64 tokens per page), 16-bit with W4A16.
  EXPECT_EQ(bf16["kv_write"]["tokens_per_page"], 32);
  EXPECT_EQ(w8a8["kv_write"]["tokens_per_page"], 64);
  EXPECT_EQ(w4a16["kv_write"]["tokens_per_page"], 32);
  EXPECT_LT(w4a16["latency_per_token_s"].get<double>(), bf16["latency_per_token_s"].get<double>());
}

TEST_F(DecodeCli, BadInputNamesTheProblemAndWritesNothing) {
  struct Case {
    std::string platform, args, expected;
  };
  const std::vector<Case> cases = {
      {"tiny-decode-c", "--model no-such-model", "llama3.1-8b"},
      {"tiny-decode-d", "--model tiny-gqa --set dataflow.g2_dies=4", "dataflow.g2_dies"},
      {"tiny-decode-c", "--model tiny-gqa --set dataflow.g2_dies=1", "variants only (dataflow.variant is \"compact\")"},
      {"tiny-decode-c", "--model tiny-gqa --set ifc.fmacs_per_plane=0", "ifc.fmacs_per_plane"},
      {"tiny-decode-c", "--model tiny-gqa --set npu.ops_per_element.softmax=-1", "npu.ops_per_element.softmax"},
      {"tiny", "--model tiny-gqa", "cannot run decode"},
      {"tiny-decode-c", "--workload flash --model tiny-gqa", "--model applies to decode runs"},
      {"tiny-decode-c", "--workload decode", "needs --model"},
      {"tiny-decode-c", "--model tiny-gqa --precision fp8", "precision"},
      {"tiny-decode-c", "--model tiny-gqa --set dataflow.variant=dram_kv", "dram: missing; the dram_kv variant"},
      {"tiny-base1", "--model tiny-gqa --set dataflow.variant=compact",
       "dram: applies to the dram_kv variant only (dataflow.variant is \"compact\")"},
      {"tiny-base1", "--model tiny-gqa --set kv_flash.timing.tR_ns=1", "kv_flash: applies to the nand_kv variant only"},
  };
  for (const Case& c : cases) {
    const ProcessResult run = decode(c.platform, c.args, "bad");
    EXPECT_EQ(run.status, 2) << c.args << "\n" << run.output;
    EXPECT_NE(run.output.find(c.expected), std::string::npos) << c.args << "\n" << run.output;
    EXPECT_FALSE(fs::exists(dir_ + "/bad")) << c.args;
  }
}

}  // namespace
}  // namespace kvnand::test
