// The baselines' decode plans: die groups, the DRAM KV layout and out-of-memory boundaries.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dataflow/decode_plan.h"
#include "platforms/platform_config.h"

namespace kvnand {
namespace {

PlatformConfig platform(const std::string& name) {
  return load_platform(std::string(KVNAND_SOURCE_DIR) + "/platforms/" + name + ".json");
}

ModelSpec model(const std::string& name) {
  return load_model(std::string(KVNAND_SOURCE_DIR) + "/workloads/" + name + ".json");
}

DecodePlan plan(const PlatformConfig& config, const ModelSpec& spec, std::uint64_t context, std::uint64_t tokens) {
  DecodeOptions options;
  options.context_tokens = context;
  options.decode_tokens = tokens;
  return DecodePlan(spec, options, config.flash, config.channels, *config.ifc, *config.dataflow,
                    config.dram ? config.dram->capacity_bytes() : 0);
}

TEST(BaselinePlan, Base1HoldsWeightsOnEveryDieAndNoKvDie) {
  const PlatformConfig config = platform("base1");
  const DecodePlan p = plan(config, model("llama3.1-8b"), 1024, 1);
  EXPECT_EQ(p.weight_group().dies.size(), 8u);
  EXPECT_TRUE(p.kv_group().dies.empty());
  EXPECT_FALSE(p.out_of_memory());
  // 32 layers x 8 KV heads x (K, V) x 1025 tokens x 256 B.
  EXPECT_EQ(p.capacity().kv_bytes, 32u * 8 * 2 * 1025 * 256);
  // Each stream's region holds the run's 1025 tokens of 256 B.
  EXPECT_EQ(p.dram_address(KvStream{0, 1, KvKind::K}, 3), 2u * 1025 * 256 + 3 * 256);
}

TEST(BaselinePlan, Base1RunsOutOfDramExactlyWhereTheKvCacheExceedsIt) {
  const PlatformConfig config = platform("base1");
  // 8 x 16 Gib = 2^34 bytes; LLaMA3.1-8B keeps 131072 B of K/V per token: exactly 131072 tokens fit.
  ASSERT_EQ(config.dram->capacity_bytes(), std::uint64_t{1} << 34);
  const ModelSpec llama = model("llama3.1-8b");
  EXPECT_FALSE(plan(config, llama, 131071, 1).out_of_memory());
  const DecodePlan over = plan(config, llama, 131072, 1);
  ASSERT_TRUE(over.out_of_memory());
  EXPECT_NE(over.capacity().reason.find("KV cache does not fit the DRAM: 17180000256 bytes needed, 17179869184 "
                                        "bytes available"),
            std::string::npos)
      << over.capacity().reason;
}

TEST(BaselinePlan, Base2KeepsTheKvCacheOnThePlainDiesOfEveryChannel) {
  const PlatformConfig config = platform("base2");
  const DecodePlan p = plan(config, model("llama3.1-8b"), 1024, 1);
  ASSERT_EQ(p.kv_group().dies.size(), 8u);
  for (std::uint32_t i = 0; i < 8; ++i) {
    EXPECT_EQ(p.kv_group().dies[i].channel.value(), i);
    EXPECT_EQ(p.kv_group().dies[i].die.value(), 1u);
    EXPECT_EQ(p.weight_group().dies[i].die.value(), 0u);
  }
}

TEST(BaselinePlan, Base2RunsOutOfFlashExactlyWhereThePlanesFillUp) {
  // tiny-base2 with one KV die: 4 planes x 32 blocks x 16 pages; tiny-gqa: 8 streams of 32 tokens
  // per page. With P pages per stream (P a multiple of 4) every plane holds P K pages and P V pages,
  // in 2 x ceil(P / 16) blocks: P = 256 (8192 tokens) fills the 32 blocks, one token more does not fit.
  PlatformConfig config = platform("tiny-base2");
  config.dataflow->g2_dies = 1;
  const ModelSpec tiny = model("tiny-gqa");
  EXPECT_FALSE(plan(config, tiny, 8191, 1).out_of_memory());
  const DecodePlan over = plan(config, tiny, 8192, 1);
  ASSERT_TRUE(over.out_of_memory());
  EXPECT_NE(over.capacity().reason.find("KV cache does not fit: KV die 0"), std::string::npos) << over.capacity().reason;
}

TEST(BaselinePlan, PlainDiesMustShareTheWeightDiesGeometry) {
  std::ifstream file(std::string(KVNAND_SOURCE_DIR) + "/platforms/tiny-base2.json");
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json config = nlohmann::json::parse(text.str());
  config["kv_flash"] = config["flash"];
  config["kv_flash"]["timing"]["tR_ns"] = 50000;
  EXPECT_EQ(load_platform_text(config.dump(), "slow-kv.json").kv_flash->timing.tR, sc_core::sc_time(50, sc_core::SC_US));
  config["kv_flash"]["geometry"]["planes_per_die"] = 2;
  try {
    load_platform_text(config.dump(), "two-planes.json");
    FAIL() << "a KV die of another geometry was accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("two-planes.json: kv_flash: geometry must equal flash.geometry"),
              std::string::npos)
        << e.what();
  }
}

TEST(BaselinePlan, BaselinesRefuseKvValues) {
  const PlatformConfig config = platform("tiny-base1");
  DecodeOptions options;
  options.context_tokens = 16;
  options.functional = true;
  EXPECT_THROW(DecodePlan(model("tiny-gqa"), options, config.flash, config.channels, *config.ifc, *config.dataflow,
                          config.dram->capacity_bytes()),
               std::invalid_argument);
}

}  // namespace
}  // namespace kvnand
