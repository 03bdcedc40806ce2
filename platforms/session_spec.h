// The "session" section of a platform config: what a C-ABI simulator runs (model, pre-filled
// context, precision) and whether it stores and computes real K/V values.
#pragma once

#include <cstdint>
#include <string>

#include "common/config_reader.h"
#include "common/element_type.h"
#include "dataflow/model_spec.h"

namespace kvnand {

struct SessionSpec {
  /// A workload name (workloads/) or a path to a model JSON.
  std::string model;
  std::uint64_t context_tokens = 0;
  Precision precision = Precision::Bf16;
  Accounting accounting = Accounting::Faithful;
  ElementType element = ElementType::Bf16;
  bool functional = true;
};

/// Throws config::ConfigError naming the key: a missing model, an unknown choice, or functional
/// values with a precision whose KV or activations are not 16-bit.
SessionSpec parse_session_spec(config::Node node);

}  // namespace kvnand
