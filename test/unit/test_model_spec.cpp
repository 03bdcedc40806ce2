// Workload shapes: the shipped workloads, weight counts checked by hand, validation messages,
// name lookup, precisions and accountings.
#include <ostream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "common/config_reader.h"
#include "dataflow/model_spec.h"

namespace kvnand {
namespace {

const std::string kWorkloads = std::string(KVNAND_SOURCE_DIR) + "/workloads";

ModelSpec shipped(const std::string& name) { return load_model(kWorkloads + "/" + name + ".json"); }

struct Shape {
  const char* name;
  std::uint32_t layers, hidden, heads, kv_heads, head_dim, ffn_dim, vocab, experts, experts_per_token;
  FfnKind ffn;
  NormKind norm;
  Activation activation;
  bool tied;
};

void PrintTo(const Shape& shape, std::ostream* os) { *os << shape.name; }

class ShippedWorkload : public testing::TestWithParam<Shape> {};

TEST_P(ShippedWorkload, LoadsWithTheTableShape) {
  const Shape& s = GetParam();
  const ModelSpec m = shipped(s.name);
  EXPECT_EQ(m.name, s.name);
  EXPECT_EQ(m.layers, s.layers);
  EXPECT_EQ(m.hidden, s.hidden);
  EXPECT_EQ(m.heads, s.heads);
  EXPECT_EQ(m.kv_heads, s.kv_heads);
  EXPECT_EQ(m.head_dim, s.head_dim);
  EXPECT_EQ(m.ffn_dim, s.ffn_dim);
  EXPECT_EQ(m.vocab, s.vocab);
  EXPECT_EQ(m.experts, s.experts);
  EXPECT_EQ(m.experts_per_token, s.experts_per_token);
  EXPECT_EQ(m.ffn, s.ffn);
  EXPECT_EQ(m.norm, s.norm);
  EXPECT_EQ(m.activation, s.activation);
  EXPECT_EQ(m.tied_embeddings, s.tied);
}

constexpr auto kSwi = FfnKind::SwiGlu;
constexpr auto kMlp = FfnKind::Mlp;
constexpr auto kRms = NormKind::RmsNorm;
constexpr auto kLn = NormKind::LayerNorm;

// REFERENCE §9 plus the model cards' vocabularies.
INSTANTIATE_TEST_SUITE_P(
    Workloads, ShippedWorkload,
    testing::Values(Shape{"llama2-7b", 32, 4096, 32, 32, 128, 11008, 32000, 1, 1, kSwi, kRms, Activation::Silu, false},
                    Shape{"llama3.1-8b", 32, 4096, 32, 8, 128, 14336, 128256, 1, 1, kSwi, kRms, Activation::Silu, false},
                    Shape{"llama3.1-70b", 80, 8192, 64, 8, 128, 28672, 128256, 1, 1, kSwi, kRms, Activation::Silu, false},
                    Shape{"opt-30b", 48, 7168, 56, 56, 128, 28672, 50272, 1, 1, kMlp, kLn, Activation::Relu, true},
                    Shape{"mixtral-8x7b", 32, 4096, 32, 8, 128, 14336, 32000, 8, 2, kSwi, kRms, Activation::Silu, false},
                    Shape{"tiny-gqa", 2, 256, 4, 2, 64, 512, 512, 1, 1, kSwi, kRms, Activation::Silu, false},
                    Shape{"tiny-mha", 2, 256, 4, 4, 64, 512, 512, 1, 1, kMlp, kLn, Activation::Gelu, false},
                    Shape{"tiny-moe", 2, 256, 4, 2, 64, 256, 512, 4, 2, kSwi, kRms, Activation::Silu, false}),
    [](const testing::TestParamInfo<Shape>& param) {
      std::string name = param.param.name;
      for (char& c : name)
        if (c == '-' || c == '.') c = '_';
      return name;
    });

TEST(ModelWeights, Llama2_7bHandChecked) {
  const ModelSpec m = shipped("llama2-7b");
  EXPECT_EQ(m.group_size(), 1u);
  EXPECT_EQ(m.attention_weights_per_layer(), 67'108'864u);  // 4 x 4096^2
  EXPECT_EQ(m.ffn_weights_per_expert(), 135'266'304u);      // 3 x 4096 x 11008
  EXPECT_EQ(m.weights_per_layer(), 202'375'168u);
  EXPECT_EQ(m.weights_read_per_layer(Accounting::Faithful), 202'375'168u);
  EXPECT_EQ(m.embedding_weights(), 131'072'000u);  // 32000 x 4096
  EXPECT_EQ(m.lm_head_weights(), 131'072'000u);
  EXPECT_EQ(m.router_weights_per_layer(), 0u);
  // 32 x 202,375,168 + 2 x 131,072,000; the published 6,738,415,616 parameters add the norm gains.
  EXPECT_EQ(m.total_weights(Accounting::Faithful), 6'738'149'376u);
  EXPECT_EQ(m.total_weights(Accounting::Paper), 6'476'005'376u);
  EXPECT_EQ(m.kv_elements_per_token(), 262'144u);  // 2 x 32 x 32 x 128
}

TEST(ModelWeights, Llama31_70bAttentionHandChecked) {
  const ModelSpec m = shipped("llama3.1-70b");
  EXPECT_EQ(m.group_size(), 8u);
  // 8192 x 8192 (Q) + 2 x 8192 x 1024 (K, V) + 8192 x 8192 (O).
  EXPECT_EQ(m.attention_weights_per_layer(), 150'994'944u);
  EXPECT_EQ(m.kv_elements_per_token(), 163'840u);  // 2 x 80 x 8 x 128
}

TEST(ModelWeights, MixtralStoresEveryExpertButReadsTheRoutedOnes) {
  const ModelSpec m = shipped("mixtral-8x7b");
  EXPECT_EQ(m.attention_weights_per_layer(), 41'943'040u);  // 2 x 4096^2 + 2 x 4096 x 1024
  EXPECT_EQ(m.ffn_weights_per_expert(), 176'160'768u);      // 3 x 4096 x 14336
  EXPECT_EQ(m.ffn_weights_per_layer(), 1'409'286'144u);
  EXPECT_EQ(m.weights_per_layer(), 1'451'229'184u);
  EXPECT_EQ(m.weights_read_per_layer(Accounting::Faithful), 394'264'576u);  // attention + 2 experts
  EXPECT_EQ(m.weights_read_per_layer(Accounting::Paper), 1'451'229'184u);   // all 8 experts
  EXPECT_EQ(m.router_weights_per_layer(), 32'768u);
  // With the router (32 x 32,768) and norm gains this is the published 46,702,792,704.
  EXPECT_EQ(m.total_weights(Accounting::Faithful), 46'701'477'888u);
}

TEST(ModelWeights, Opt30bTiesItsLmHeadAndHasAPaperOverride) {
  const ModelSpec m = shipped("opt-30b");
  EXPECT_EQ(m.paper_weights_per_layer, 822'083'584u);       // 16 x 7168^2
  EXPECT_EQ(m.attention_weights_per_layer(), 205'520'896u);  // 4 x 7168^2
  EXPECT_EQ(m.ffn_weights_per_expert(), 411'041'792u);       // 2 x 7168 x 28672
  EXPECT_EQ(m.weights_read_per_layer(Accounting::Faithful), 616'562'688u);
  EXPECT_EQ(m.weights_read_per_layer(Accounting::Paper), 822'083'584u);
  EXPECT_EQ(m.lm_head_weights(), 0u);
  EXPECT_EQ(m.total_weights(Accounting::Faithful), 29'955'358'720u);  // 48 x 616,562,688 + 50272 x 7168
  EXPECT_EQ(m.total_weights(Accounting::Paper), 39'460'012'032u);     // 48 x 822,083,584
}

TEST(ModelWeights, TinyModels) {
  const ModelSpec mha = shipped("tiny-mha");
  EXPECT_EQ(mha.weights_per_layer(), 4u * 256 * 256 + 2u * 256 * 512);
  const ModelSpec moe = shipped("tiny-moe");
  EXPECT_EQ(moe.group_size(), 2u);
  EXPECT_EQ(moe.attention_weights_per_layer(), 196'608u);  // 2 x 256 x 256 + 2 x 256 x 128
  EXPECT_EQ(moe.weights_read_per_layer(Accounting::Faithful), 196'608u + 2u * 196'608);
  EXPECT_EQ(moe.total_weights(Accounting::Faithful), 2u * (196'608 + 4u * 196'608) + 2u * 131'072);
}

// ---- validation -----------------------------------------------------------------------------

const char* const kValid = R"({"name": "m", "layers": 2, "hidden": 256, "heads": 4, "kv_heads": 2,
  "head_dim": 64, "ffn_dim": 512, "vocab": 512, "ffn": "swiglu", "norm": "rmsnorm", "activation": "silu"})";

std::string error_of(const std::string& set) {
  try {
    config::Document doc = config::Document::load_text(kValid, "m.json", {config::parse_override(set)});
    parse_model_spec(doc.root());
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for " << set;
  return "";
}

TEST(ModelValidation, DefaultsAreDenseUntiedAndWithoutPaperOverride) {
  const ModelSpec m = load_model_text(kValid, "m.json");
  EXPECT_EQ(m.experts, 1u);
  EXPECT_EQ(m.experts_per_token, 1u);
  EXPECT_FALSE(m.tied_embeddings);
  EXPECT_EQ(m.paper_weights_per_layer, 0u);
}

TEST(ModelValidation, ErrorsNameTheKey) {
  EXPECT_EQ(error_of("heads=5"),
            "m.json: kv_heads: 2 does not divide heads (5); each KV head serves a whole group of query heads");
  EXPECT_EQ(error_of("hidden_size=4096"),
            "--set: hidden_size: unknown key; accepted keys here: activation, description, experts, "
            "experts_per_token, ffn, ffn_dim, head_dim, heads, hidden, kv_heads, layers, name, norm, "
            "paper_weights_per_layer, source, tied_embeddings, vocab");
  EXPECT_EQ(error_of("ffn=geglu"), "--set: ffn: expected one of \"swiglu\", \"mlp\", got \"geglu\"");
  EXPECT_EQ(error_of("layers=0"), "--set: layers: expected an integer from 1 to 4294967295, got 0");
  EXPECT_EQ(error_of("experts_per_token=2"), "--set: experts_per_token: 2 exceeds experts (1)");
  EXPECT_EQ(error_of("name=\"\""), "--set: name: expected a non-empty string");
}

TEST(ModelValidation, MissingRequiredKeysAreNamed) {
  EXPECT_EQ([] {
    try {
      load_model_text(R"({"name": "m", "layers": 2})", "m.json");
    } catch (const config::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  }(), "m.json: hidden: missing; expected an integer from 1 to 4294967295");
  std::string text = kValid;
  text.replace(text.find(R"("norm": "rmsnorm", )"), 19, "");
  try {
    load_model_text(text, "m.json");
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_STREQ(e.what(), "m.json: norm: missing; expected one of \"rmsnorm\", \"layernorm\"");
  }
}

TEST(ModelValidation, MissingFileIsAConfigError) {
  EXPECT_THROW(load_model(kWorkloads + "/no-such-model.json"), config::ConfigError);
}

// ---- --model lookup -------------------------------------------------------------------------

TEST(ResolveModelPath, BareNameIsLookedUpInTheWorkloadsFolder) {
  EXPECT_EQ(resolve_model_path("llama2-7b", kWorkloads), kWorkloads + "/llama2-7b.json");
  EXPECT_EQ(load_model(resolve_model_path("tiny-gqa", kWorkloads)).name, "tiny-gqa");
}

TEST(ResolveModelPath, PathsAreTakenAsGiven) {
  EXPECT_EQ(resolve_model_path("/elsewhere/mine.json", kWorkloads), "/elsewhere/mine.json");
  EXPECT_EQ(resolve_model_path("mine.json", kWorkloads), "mine.json");
  EXPECT_EQ(resolve_model_path("./mine", kWorkloads), "./mine");
}

TEST(ResolveModelPath, UnknownNameListsTheAvailableModels) {
  try {
    resolve_model_path("llama-65b", kWorkloads);
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown model \"llama-65b\": no " + kWorkloads + "/llama-65b.json; models available in " + kWorkloads +
                  ": llama2-7b, llama3.1-70b, llama3.1-8b, mixtral-8x7b, opt-30b, tiny-gqa, tiny-mha, tiny-moe");
  }
}

TEST(ResolveModelPath, MissingFolderListsNone) {
  try {
    resolve_model_path("x", "/nonexistent-kvnand-dir");
    ADD_FAILURE() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "unknown model \"x\": no /nonexistent-kvnand-dir/x.json; models available in "
                 "/nonexistent-kvnand-dir: (none)");
  }
}

// ---- precisions and accountings ---------------------------------------------------------------

TEST(Precision, BitsPerKind) {
  const PrecisionBits bf16 = bits_of(parse_precision("bf16"));
  EXPECT_EQ(bf16.weight, 16u);
  EXPECT_EQ(bf16.activation, 16u);
  EXPECT_EQ(bf16.kv, 16u);
  const PrecisionBits w8a8 = bits_of(parse_precision("w8a8"));
  EXPECT_EQ(w8a8.weight, 8u);
  EXPECT_EQ(w8a8.activation, 8u);
  EXPECT_EQ(w8a8.kv, 8u);
  const PrecisionBits w4a16 = bits_of(parse_precision("w4a16"));
  EXPECT_EQ(w4a16.weight, 4u);
  EXPECT_EQ(w4a16.activation, 16u);
  EXPECT_EQ(w4a16.kv, 16u);
  EXPECT_STREQ(to_string(Precision::W4A16), "w4a16");
}

TEST(Precision, UnknownNameListsTheAccepted) {
  try {
    parse_precision("fp8");
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown precision \"fp8\"; accepted: bf16, w8a8, w4a16");
  }
}

TEST(AccountingNames, RoundTripAndReject) {
  EXPECT_EQ(parse_accounting("faithful"), Accounting::Faithful);
  EXPECT_EQ(parse_accounting("paper"), Accounting::Paper);
  EXPECT_STREQ(to_string(Accounting::Paper), "paper");
  try {
    parse_accounting("Paper");
    ADD_FAILURE() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "unknown accounting \"Paper\"; accepted: faithful, paper");
  }
}

TEST(ShapeNames, MatchTheJsonValues) {
  EXPECT_STREQ(to_string(FfnKind::Mlp), "mlp");
  EXPECT_STREQ(to_string(NormKind::LayerNorm), "layernorm");
  EXPECT_STREQ(to_string(Activation::Gelu), "gelu");
}

}  // namespace
}  // namespace kvnand
