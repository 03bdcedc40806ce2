#include "dataflow/model_spec.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <vector>

#include "common/config_reader.h"

namespace kvnand {
namespace {

constexpr std::uint64_t kMaxSize = std::numeric_limits<std::uint32_t>::max();
constexpr std::uint64_t kSwiGluMatrices = 3;  // gate, up, down
constexpr std::uint64_t kMlpMatrices = 2;     // fc1, fc2
constexpr std::uint64_t kKvTensors = 2;       // K and V
constexpr const char* kWorkloadExtension = ".json";

std::string quoted_list(const std::vector<std::string>& accepted) {
  std::string list;
  for (std::size_t i = 0; i < accepted.size(); ++i) list += (i > 0 ? ", \"" : "\"") + accepted[i] + "\"";
  return list;
}

/// A required string from a fixed set; the reader's choice_or gives the wrong-value message.
std::string required_choice(config::Node& node, const std::string& key, const std::vector<std::string>& accepted) {
  if (!node.has(key)) node.fail(key, "missing; expected one of " + quoted_list(accepted));
  return node.choice_or(key, "", accepted);
}

std::uint32_t size(config::Node& node, const std::string& key) {
  return static_cast<std::uint32_t>(node.integer(key, 1, kMaxSize));
}

template <typename Enum, std::size_t N>
Enum enum_of(const std::string& text, const std::array<Enum, N>& values, const char* what) {
  for (Enum value : values)
    if (text == to_string(value)) return value;
  std::string accepted;
  for (std::size_t i = 0; i < N; ++i) accepted += (i > 0 ? ", " : "") + std::string(to_string(values[i]));
  throw std::invalid_argument("unknown " + std::string(what) + " \"" + text + "\"; accepted: " + accepted);
}

constexpr std::array<FfnKind, 2> kFfnKinds = {FfnKind::SwiGlu, FfnKind::Mlp};
constexpr std::array<NormKind, 2> kNormKinds = {NormKind::RmsNorm, NormKind::LayerNorm};
constexpr std::array<Activation, 3> kActivations = {Activation::Silu, Activation::Gelu, Activation::Relu};
constexpr std::array<Precision, 3> kPrecisions = {Precision::Bf16, Precision::W8A8, Precision::W4A16};
constexpr std::array<Accounting, 2> kAccountings = {Accounting::Faithful, Accounting::Paper};

template <typename Enum, std::size_t N>
std::vector<std::string> names_of(const std::array<Enum, N>& values) {
  std::vector<std::string> names;
  for (Enum value : values) names.emplace_back(to_string(value));
  return names;
}

}  // namespace

const char* to_string(FfnKind kind) { return kind == FfnKind::SwiGlu ? "swiglu" : "mlp"; }
const char* to_string(NormKind kind) { return kind == NormKind::RmsNorm ? "rmsnorm" : "layernorm"; }
const char* to_string(Activation kind) {
  switch (kind) {
    case Activation::Silu: return "silu";
    case Activation::Gelu: return "gelu";
    case Activation::Relu: return "relu";
  }
  return "unknown";
}

std::uint64_t ModelSpec::attention_weights_per_layer() const {
  const std::uint64_t q_width = std::uint64_t{heads} * head_dim;
  const std::uint64_t kv_width = std::uint64_t{kv_heads} * head_dim;
  return hidden * q_width + kKvTensors * hidden * kv_width + q_width * hidden;
}

std::uint64_t ModelSpec::ffn_weights_per_expert() const {
  return (ffn == FfnKind::SwiGlu ? kSwiGluMatrices : kMlpMatrices) * hidden * ffn_dim;
}

std::uint64_t ModelSpec::ffn_weights_per_layer() const { return experts * ffn_weights_per_expert(); }

std::uint64_t ModelSpec::router_weights_per_layer() const {
  return experts > 1 ? std::uint64_t{hidden} * experts : 0;
}

std::uint64_t ModelSpec::embedding_weights() const { return std::uint64_t{vocab} * hidden; }

std::uint64_t ModelSpec::lm_head_weights() const { return tied_embeddings ? 0 : embedding_weights(); }

std::uint64_t ModelSpec::weights_per_layer() const { return attention_weights_per_layer() + ffn_weights_per_layer(); }

std::uint64_t ModelSpec::weights_read_per_layer(Accounting accounting) const {
  if (accounting == Accounting::Paper) return paper_weights_per_layer != 0 ? paper_weights_per_layer : weights_per_layer();
  return attention_weights_per_layer() + experts_per_token * ffn_weights_per_expert();
}

std::uint64_t ModelSpec::total_weights(Accounting accounting) const {
  if (accounting == Accounting::Paper) return layers * weights_read_per_layer(Accounting::Paper);
  return layers * weights_per_layer() + embedding_weights() + lm_head_weights();
}

std::uint64_t ModelSpec::kv_elements_per_token() const {
  return kKvTensors * layers * kv_heads * head_dim;
}

PrecisionBits bits_of(Precision precision) {
  switch (precision) {
    case Precision::Bf16: return {16, 16, 16};
    case Precision::W8A8: return {8, 8, 8};
    case Precision::W4A16: return {4, 16, 16};
  }
  return {0, 0, 0};
}

Precision parse_precision(const std::string& text) { return enum_of(text, kPrecisions, "precision"); }

const char* to_string(Precision precision) {
  switch (precision) {
    case Precision::Bf16: return "bf16";
    case Precision::W8A8: return "w8a8";
    case Precision::W4A16: return "w4a16";
  }
  return "unknown";
}

Accounting parse_accounting(const std::string& text) { return enum_of(text, kAccountings, "accounting"); }

const char* to_string(Accounting accounting) { return accounting == Accounting::Faithful ? "faithful" : "paper"; }

ModelSpec parse_model_spec(config::Node node) {
  ModelSpec m;
  if (!node.has("name")) node.fail("name", "missing; expected a non-empty string");
  m.name = node.text_or("name", "");
  if (m.name.empty()) node.fail("name", "expected a non-empty string");
  node.text_or("description", "");
  node.text_or("source", "");
  m.layers = size(node, "layers");
  m.hidden = size(node, "hidden");
  m.heads = size(node, "heads");
  m.kv_heads = size(node, "kv_heads");
  m.head_dim = size(node, "head_dim");
  m.ffn_dim = size(node, "ffn_dim");
  m.vocab = size(node, "vocab");
  if (m.heads % m.kv_heads != 0)
    node.fail("kv_heads", std::to_string(m.kv_heads) + " does not divide heads (" + std::to_string(m.heads) +
                              "); each KV head serves a whole group of query heads");
  m.experts = static_cast<std::uint32_t>(node.integer_or("experts", 1, 1, kMaxSize));
  m.experts_per_token = static_cast<std::uint32_t>(node.integer_or("experts_per_token", 1, 1, kMaxSize));
  if (m.experts_per_token > m.experts)
    node.fail("experts_per_token", std::to_string(m.experts_per_token) + " exceeds experts (" +
                                       std::to_string(m.experts) + ")");
  m.ffn = enum_of(required_choice(node, "ffn", names_of(kFfnKinds)), kFfnKinds, "ffn");
  m.norm = enum_of(required_choice(node, "norm", names_of(kNormKinds)), kNormKinds, "norm");
  m.activation = enum_of(required_choice(node, "activation", names_of(kActivations)), kActivations, "activation");
  m.tied_embeddings = node.boolean_or("tied_embeddings", false);
  m.paper_weights_per_layer =
      node.integer_or("paper_weights_per_layer", 0, 0, std::numeric_limits<std::uint64_t>::max());
  node.finish();
  return m;
}

ModelSpec load_model(const std::string& path) {
  config::Document doc = config::Document::load_file(path);
  return parse_model_spec(doc.root());
}

ModelSpec load_model_text(const std::string& json_text, const std::string& origin) {
  config::Document doc = config::Document::load_text(json_text, origin);
  return parse_model_spec(doc.root());
}

std::string resolve_model_path(const std::string& name_or_path, const std::string& workloads_dir) {
  namespace fs = std::filesystem;
  const std::string extension = kWorkloadExtension;
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() >= extension.size() &&
                        name_or_path.compare(name_or_path.size() - extension.size(), extension.size(), extension) == 0);
  if (is_path) return name_or_path;

  const fs::path candidate = fs::path(workloads_dir) / (name_or_path + extension);
  std::error_code ec;
  if (fs::is_regular_file(candidate, ec)) return candidate.string();

  std::vector<std::string> available;
  for (fs::directory_iterator it(workloads_dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == extension && it->is_regular_file(ec)) available.push_back(it->path().stem().string());
  std::sort(available.begin(), available.end());
  std::string list;
  for (std::size_t i = 0; i < available.size(); ++i) list += (i > 0 ? ", " : "") + available[i];
  throw config::ConfigError("unknown model \"" + name_or_path + "\": no " + candidate.string() +
                            "; models available in " + workloads_dir + ": " + (list.empty() ? "(none)" : list));
}

}  // namespace kvnand
