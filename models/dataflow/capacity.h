// Does the model fit? Counts, per plane, the blocks that the weights and the KV cache at the end
// of the run occupy, the way KvBlockAllocator fills them (whole blocks; K and V in separate
// blocks, shared by all streams of that kind on the plane), against blocks_per_plane.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataflow/kv_mapping.h"
#include "dataflow/weight_placement.h"

namespace kvnand {

struct CapacityReport {
  /// Pages used by weights * page_data_bytes.
  std::uint64_t weights_bytes = 0;
  /// Pages the KV cache needs at the end of the run * page_data_bytes.
  std::uint64_t kv_bytes = 0;
  /// page_data_bytes * pages of all dies used (weight group + KV group, or the shared group).
  std::uint64_t available_bytes = 0;
  bool oom = false;
  /// Empty when it fits; else what does not fit, with numbers (GB = 10^9 bytes, and blocks) for
  /// the plane that needs the most blocks (the first such plane on a tie).
  std::string reason;
};

/// Blocks needed per plane: ceil(weight pages/ppb) for weights; per KV kind ceil(KV pages of that
/// kind on the plane / ppb). shared == true (compact): weights and KV share the planes (kv mapping
/// slots map onto the weight group's dies with the same die_index). shared == false (discrete):
/// separate dies; kv_dies from the mapping. KV pages per stream at the end =
/// ceil(total_tokens / tokens_per_page), spread with KvMapping::work. Throws std::invalid_argument
/// on zero blocks or pages, a page_data_bytes the placement or mapping does not use, or (shared)
/// a KV mapping with more dies or other planes than the weight group.
CapacityReport check_capacity(const WeightPlacement& weights, const KvMapping& kv, std::uint64_t total_tokens,
                              std::uint32_t pages_per_block, std::uint32_t blocks_per_plane,
                              std::uint32_t page_data_bytes, bool shared);

/// The Base-1 verdict: the weights as in check_capacity (per plane of the weight dies), the KV cache
/// (kv_bytes) against the DRAM (dram_bytes), which fits exactly when kv_bytes <= dram_bytes.
/// available_bytes = flash of the weight dies + DRAM. Throws std::invalid_argument as check_capacity.
CapacityReport check_dram_kv_capacity(const WeightPlacement& weights, std::uint64_t kv_bytes, std::uint64_t dram_bytes,
                                      std::uint64_t total_tokens, std::uint32_t pages_per_block,
                                      std::uint32_t blocks_per_plane, std::uint32_t page_data_bytes);

/// Blocks at the bottom of each plane that the weights occupy, for KvBlockAllocator's
/// first_free_block in slot order of the KvMapping (compact variant; all zeros when not shared).
std::vector<std::uint32_t> kv_first_free_blocks(const WeightPlacement& weights, const KvMapping& kv,
                                                std::uint32_t pages_per_block, bool shared);

}  // namespace kvnand
