// The shape of an LLM workload (layers, widths, heads, experts), the weight counts derived from
// it under the two accountings, the numeric precisions, and loading of workloads/*.json.
#pragma once

#include <cstdint>
#include <string>

namespace kvnand::config {
class Node;
}

namespace kvnand {

enum class FfnKind : std::uint8_t { SwiGlu, Mlp };  ///< SwiGlu: gate and up -> act x up -> down; Mlp: fc1 -> act -> fc2
enum class NormKind : std::uint8_t { RmsNorm, LayerNorm };
enum class Activation : std::uint8_t { Silu, Gelu, Relu };

const char* to_string(FfnKind kind);     ///< "swiglu" | "mlp"
const char* to_string(NormKind kind);    ///< "rmsnorm" | "layernorm"
const char* to_string(Activation kind);  ///< "silu" | "gelu" | "relu"

/// Which weights a cost counts. Faithful: the real network (LM head included, only the routed
/// experts read per token). Paper: KVNAND's accounting (REFERENCE §9): decoder-layer linear
/// weights only, every expert read, paper_weights_per_layer where the paper sets it.
enum class Accounting : std::uint8_t { Faithful, Paper };

/// Weight counts are of linear weight matrices only: norm gains and biases are vectors the NPU
/// keeps in SoC SRAM, and the MoE router is an NPU MAC op (router_weights_per_layer).
struct ModelSpec {
  std::string name;
  std::uint32_t layers = 0;
  std::uint32_t hidden = 0;
  std::uint32_t heads = 0;
  std::uint32_t kv_heads = 0;
  std::uint32_t head_dim = 0;
  std::uint32_t ffn_dim = 0;
  std::uint32_t vocab = 0;
  std::uint32_t experts = 1;            ///< 1 = dense
  std::uint32_t experts_per_token = 1;  ///< routed experts per token (top-k)
  FfnKind ffn = FfnKind::SwiGlu;
  NormKind norm = NormKind::RmsNorm;
  Activation activation = Activation::Silu;
  /// The LM head shares the embedding table (OPT): stored once.
  bool tied_embeddings = false;
  /// The paper's per-layer weight count (OPT-30B: 16 x hidden^2); 0 = not set.
  std::uint64_t paper_weights_per_layer = 0;

  /// Query heads per KV head (1 for MHA).
  std::uint32_t group_size() const { return heads / kv_heads; }

  /// Wq, Wk, Wv, Wo: hidden x (heads x head_dim) + 2 x hidden x (kv_heads x head_dim)
  /// + (heads x head_dim) x hidden.
  std::uint64_t attention_weights_per_layer() const;
  /// SwiGlu: 3 x hidden x ffn_dim (gate, up, down); Mlp: 2 x hidden x ffn_dim.
  std::uint64_t ffn_weights_per_expert() const;
  /// Every expert of one layer.
  std::uint64_t ffn_weights_per_layer() const;
  /// The MoE gate (hidden x experts), 0 for a dense model.
  std::uint64_t router_weights_per_layer() const;
  /// vocab x hidden.
  std::uint64_t embedding_weights() const;
  /// vocab x hidden, or 0 when tied (the LM head reads the embedding table).
  std::uint64_t lm_head_weights() const;

  /// Weights one decoder layer stores: attention + every expert's FFN.
  std::uint64_t weights_per_layer() const;
  /// Weights one decoder layer reads per token. Faithful: attention + the routed experts' FFNs;
  /// Paper: paper_weights_per_layer if set, else attention + every expert's FFN.
  std::uint64_t weights_read_per_layer(Accounting accounting) const;
  /// Weights the model stores. Faithful: layers x weights_per_layer + embedding + LM head;
  /// Paper: layers x (paper_weights_per_layer if set, else weights_per_layer).
  std::uint64_t total_weights(Accounting accounting) const;
  /// K and V elements one token adds over all layers: 2 x layers x kv_heads x head_dim.
  std::uint64_t kv_elements_per_token() const;
};

enum class Precision : std::uint8_t { Bf16, W8A8, W4A16 };
struct PrecisionBits {
  std::uint32_t weight;
  std::uint32_t activation;
  std::uint32_t kv;
};
/// bf16: 16/16/16; w8a8: 8/8/8; w4a16: 4/16/16.
PrecisionBits bits_of(Precision precision);
/// "bf16" | "w8a8" | "w4a16"; throws std::invalid_argument listing the accepted values.
Precision parse_precision(const std::string& text);
const char* to_string(Precision precision);

/// "faithful" | "paper"; throws std::invalid_argument listing the accepted values.
Accounting parse_accounting(const std::string& text);
const char* to_string(Accounting accounting);

/// Reads a workload object. Keys: name, layers, hidden, heads, kv_heads, head_dim, ffn_dim, vocab,
/// ffn, norm, activation (required); experts, experts_per_token (default 1), tied_embeddings
/// (false), paper_weights_per_layer (0), description, source (optional text). Errors name the
/// file and key: sizes must be >= 1, heads a multiple of kv_heads, experts_per_token <= experts.
ModelSpec parse_model_spec(config::Node node);
/// Loads a workload JSON file; throws config::ConfigError.
ModelSpec load_model(const std::string& path);
/// The same for JSON text; `origin` names it in messages.
ModelSpec load_model_text(const std::string& json_text, const std::string& origin);

/// `name_or_path` is a path when it contains '/' or ends in ".json" (returned unchanged);
/// otherwise a bare name looked up as <workloads_dir>/<name>.json. An unknown name throws
/// config::ConfigError listing the names available in workloads_dir.
std::string resolve_model_path(const std::string& name_or_path, const std::string& workloads_dir);

}  // namespace kvnand
