#include "platforms/session_spec.h"

#include <string>

namespace kvnand {
namespace {
constexpr std::uint64_t kMaxContextTokens = std::uint64_t{1} << 32;
constexpr std::uint32_t kValueBits = 16;
}  // namespace

SessionSpec parse_session_spec(config::Node node) {
  SessionSpec spec;
  if (!node.has("model")) node.fail("model", "missing; give a workload name such as tiny-gqa, or a model file");
  spec.model = node.text_or("model", "");
  if (spec.model.empty()) node.fail("model", "empty; give a workload name such as tiny-gqa, or a model file");
  spec.context_tokens = node.integer_or("context_tokens", 0, 0, kMaxContextTokens);
  spec.precision = parse_precision(node.choice_or("precision", "bf16", {"bf16", "w8a8", "w4a16"}));
  spec.accounting = parse_accounting(node.choice_or("accounting", "faithful", {"faithful", "paper"}));
  spec.element = parse_element_type(node.choice_or("element", "bf16", {"bf16", "fp16"}));
  spec.functional = node.boolean_or("functional", true);
  const PrecisionBits bits = bits_of(spec.precision);
  if (spec.functional && (bits.kv != kValueBits || bits.activation != kValueBits))
    node.fail("functional", std::string("true needs 16-bit K/V and activations; precision \"") +
                                to_string(spec.precision) + "\" stores " + std::to_string(bits.kv) +
                                "-bit K/V (set session.functional to false for timing only, or precision to bf16 or w4a16)");
  node.finish();
  return spec;
}

}  // namespace kvnand
