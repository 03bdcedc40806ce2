#include "dataflow/kv_block_allocator.h"

#include "common/seeded_random.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace kvnand {
namespace {

std::size_t kind_index(KvKind kind) { return static_cast<std::size_t>(kind); }

}  // namespace

KvBlockAllocator::KvBlockAllocator(std::vector<std::uint32_t> first_free_block, std::uint32_t blocks_per_plane,
                                   std::uint32_t pages_per_block, std::uint64_t read_refresh_limit,
                                   std::uint64_t seed)
    : first_free_block_(std::move(first_free_block)),
      blocks_per_plane_(blocks_per_plane),
      pages_per_block_(pages_per_block),
      read_refresh_limit_(read_refresh_limit),
      rng_state_(seed) {
  if (first_free_block_.empty() || blocks_per_plane == 0 || pages_per_block == 0)
    throw std::invalid_argument("KV block allocator: needs plane slots, blocks_per_plane > 0 and pages_per_block > 0");
  blocks_.resize(first_free_block_.size() * blocks_per_plane);
  planes_.resize(first_free_block_.size());
  for (std::size_t slot = 0; slot < first_free_block_.size(); ++slot) {
    if (first_free_block_[slot] > blocks_per_plane)
      throw std::invalid_argument("KV block allocator: plane slot " + std::to_string(slot) + " has weights up to block " +
                                  std::to_string(first_free_block_[slot]) + " of " + std::to_string(blocks_per_plane));
    std::vector<std::uint32_t>& fresh = planes_[slot].free_by_wear[0];
    for (std::uint32_t id = first_free_block_[slot]; id < blocks_per_plane; ++id) fresh.push_back(id);
  }
}

std::uint64_t KvBlockAllocator::check_slot(std::uint64_t slot) const {
  if (slot >= planes_.size())
    throw std::out_of_range("KV block allocator: no plane slot " + std::to_string(slot) + " (" +
                            std::to_string(planes_.size()) + " slots)");
  return slot;
}

std::uint32_t KvBlockAllocator::take_free_block(std::uint64_t slot, KvKind kind) {
  auto& pool = planes_[slot].free_by_wear;
  if (pool.empty()) return kNoBlock;
  const auto least_worn = pool.begin();
  std::vector<std::uint32_t>& candidates = least_worn->second;
  const std::size_t pick = candidates.size() == 1 ? 0 : uniform_below(rng_state_, candidates.size());
  const std::uint32_t id = candidates[pick];
  candidates[pick] = candidates.back();
  candidates.pop_back();
  if (candidates.empty()) pool.erase(least_worn);

  Block& b = block(slot, id);
  if (b.used) max_pe_cycles_ = std::max(max_pe_cycles_, ++b.pe_cycles);  // erased before its reuse
  b.used = true;
  b.reads = 0;
  b.programmed = 0;
  b.kind = kind;
  b.in_use_index = in_use_.size();
  in_use_.push_back(slot * blocks_per_plane_ + id);
  return id;
}

void KvBlockAllocator::free_block(std::uint64_t slot, std::uint32_t id) {
  Block& b = block(slot, id);
  const std::uint64_t moved = in_use_.back();
  in_use_[b.in_use_index] = moved;
  blocks_[moved].in_use_index = b.in_use_index;
  in_use_.pop_back();
  planes_[slot].free_by_wear[b.pe_cycles + 1].push_back(id);
}

KvPageAddress KvBlockAllocator::allocate(std::uint64_t slot, KvKind kind) {
  Plane& plane = planes_[check_slot(slot)];
  std::uint32_t& open = plane.open[kind_index(kind)];
  if (open == kNoBlock || block(slot, open).programmed == pages_per_block_) {
    const std::uint32_t id = take_free_block(slot, kind);
    if (id == kNoBlock)
      throw std::length_error("plane slot " + std::to_string(slot) + " has no free block (" +
                              std::to_string(first_free_block_[slot]) + " of " + std::to_string(blocks_per_plane_) +
                              " blocks hold weights, the rest hold KV)");
    open = id;
  }
  Block& b = block(slot, open);
  ++plane.pages;
  return KvPageAddress{slot, BlockId(open), PageId(b.programmed++)};
}

std::optional<std::uint64_t> KvBlockAllocator::first_short_slot(const std::vector<KvPageDemand>& demand) const {
  std::map<std::uint64_t, std::array<std::uint64_t, 2>> pages;
  for (const KvPageDemand& d : demand) pages[check_slot(d.slot)][kind_index(d.kind)] += d.pages;
  for (const auto& [slot, per_kind] : pages) {
    const Plane& plane = planes_[slot];
    std::uint64_t blocks_needed = 0;
    for (std::size_t kind = 0; kind < per_kind.size(); ++kind) {
      const std::uint32_t open = plane.open[kind];
      const std::uint64_t room = open == kNoBlock ? 0 : pages_per_block_ - blocks_[slot * blocks_per_plane_ + open].programmed;
      if (per_kind[kind] > room) blocks_needed += (per_kind[kind] - room + pages_per_block_ - 1) / pages_per_block_;
    }
    std::uint64_t free_blocks = 0;
    for (const auto& [wear, ids] : plane.free_by_wear) free_blocks += ids.size();
    if (blocks_needed > free_blocks) return slot;
  }
  return std::nullopt;
}

bool KvBlockAllocator::refresh(std::uint64_t slot, std::uint32_t id) {
  const KvKind kind = block(slot, id).kind;
  const std::uint32_t target = take_free_block(slot, kind);
  if (target == kNoBlock) return false;
  const std::uint32_t pages = block(slot, id).programmed;
  block(slot, target).programmed = pages;
  std::uint32_t& open = planes_[slot].open[kind_index(kind)];
  if (open == id) open = target;
  free_block(slot, id);
  ++refreshes_;
  refreshed_pages_ += pages;
  return true;
}

void KvBlockAllocator::record_token_reads() {
  std::vector<std::uint64_t> due;
  for (const std::uint64_t index : in_use_) {
    Block& b = blocks_[index];
    b.reads += b.programmed;
    max_reads_ = std::max(max_reads_, b.reads);
    if (read_refresh_limit_ > 0 && b.reads >= read_refresh_limit_) due.push_back(index);
  }
  // Ascending addresses, so the refresh order (and the random choices) do not depend on in_use_ order.
  std::sort(due.begin(), due.end());
  for (const std::uint64_t index : due)
    refresh(index / blocks_per_plane_, static_cast<std::uint32_t>(index % blocks_per_plane_));
}

void KvBlockAllocator::release_all() {
  std::vector<std::uint64_t> used = in_use_;
  std::sort(used.begin(), used.end());
  for (const std::uint64_t index : used)
    free_block(index / blocks_per_plane_, static_cast<std::uint32_t>(index % blocks_per_plane_));
  for (Plane& plane : planes_) {
    plane.open = {kNoBlock, kNoBlock};
    plane.pages = 0;
  }
}

KvWear KvBlockAllocator::wear() const {
  KvWear w;
  w.max_pe_cycles = max_pe_cycles_;
  w.max_reads_per_block = max_reads_;
  w.blocks_in_use = in_use_.size();
  if (read_refresh_limit_ > 0)
    w.blocks_over_read_limit = static_cast<std::uint64_t>(std::count_if(
        in_use_.begin(), in_use_.end(), [&](std::uint64_t index) { return blocks_[index].reads >= read_refresh_limit_; }));
  w.refreshes = refreshes_;
  w.refreshed_pages = refreshed_pages_;
  return w;
}

std::uint64_t KvBlockAllocator::pages_in_use(std::uint64_t slot) const { return planes_[check_slot(slot)].pages; }

}  // namespace kvnand
