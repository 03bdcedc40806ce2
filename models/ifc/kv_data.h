// Functional data that rides along with KV commands when a run stores and computes real values:
// where each page of a kernel sits and what the PEs multiply it with, or the bytes of a program.
// Timing never depends on it; a command without it is timing-only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/element_type.h"
#include "common/strong_id.h"

namespace kvnand {

/// One KV page a kernel reads: its address on the die and the tokens of the stream it holds.
struct KvPageRef {
  PlaneId plane;
  BlockId block;
  PageId page;
  std::uint32_t tokens = 0;
  /// Index of the page's first token in the stream (the column of its scores / probabilities).
  std::uint64_t first_token = 0;
};

/// The values of a logit or attend kernel on one die. Logit: `input` holds the queries
/// (heads x head_dim) and each page's scaled scores go to output[h * stride + token].
/// Attend: `input` holds the probabilities (heads x stride, by token) and each plane accumulates
/// its weighted V sum into output[plane][heads x head_dim] (planes_per_die blocks).
struct KvKernelData {
  ElementType element = ElementType::Bf16;
  std::uint32_t head_dim = 0;
  std::uint32_t heads = 0;
  float scale = 1.0f;
  std::vector<KvPageRef> pages;
  const float* input = nullptr;
  float* output = nullptr;
  /// Tokens per row of the scores (logit output) or probabilities (attend input).
  std::size_t stride = 0;
};

/// The bytes of a KV program: `bytes.size()` data bytes at `offset` into the page (a partial-page
/// program writes part of a page; NAND programs only clear bits, so parts combine).
struct KvProgramData {
  BlockId block;
  PageId page;
  std::uint32_t offset = 0;
  std::vector<std::uint8_t> bytes;
};

}  // namespace kvnand
