#include "flash/wear_counters.h"

#include <algorithm>

namespace kvnand {

WearCounters::WearCounters(const FlashGeometry& geometry)
    : blocks_per_plane_(geometry.blocks_per_plane),
      pe_cycles_(geometry.blocks_per_die(), 0),
      reads_(geometry.blocks_per_die(), 0) {}

void WearCounters::record_read(PlaneId plane, BlockId block) {
  max_block_reads_ = std::max(max_block_reads_, ++reads_[index(plane, block)]);
}

void WearCounters::record_erase(PlaneId plane, BlockId block) {
  const std::size_t i = index(plane, block);
  reads_[i] = 0;
  max_pe_cycles_ = std::max(max_pe_cycles_, ++pe_cycles_[i]);
}

}  // namespace kvnand
