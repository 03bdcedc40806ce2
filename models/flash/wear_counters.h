// Per-block program/erase cycles and page reads since the last erase (read disturb) of one die.
#pragma once

#include <cstdint>
#include <vector>

#include "common/strong_id.h"
#include "flash/flash_spec.h"

namespace kvnand {

class WearCounters {
 public:
  explicit WearCounters(const FlashGeometry& geometry);

  void record_read(PlaneId plane, BlockId block);
  void record_erase(PlaneId plane, BlockId block);

  std::uint32_t pe_cycles(PlaneId plane, BlockId block) const { return pe_cycles_[index(plane, block)]; }
  std::uint32_t reads_since_erase(PlaneId plane, BlockId block) const { return reads_[index(plane, block)]; }
  std::uint32_t max_pe_cycles() const { return max_pe_cycles_; }
  /// The highest reads-since-erase any block reached during the run (kept across erases).
  std::uint32_t max_block_reads() const { return max_block_reads_; }

 private:
  std::size_t index(PlaneId plane, BlockId block) const {
    return std::size_t{plane.value()} * blocks_per_plane_ + block.value();
  }

  std::uint32_t blocks_per_plane_;
  std::vector<std::uint32_t> pe_cycles_;
  std::vector<std::uint32_t> reads_;
  std::uint32_t max_pe_cycles_ = 0;
  std::uint32_t max_block_reads_ = 0;
};

}  // namespace kvnand
