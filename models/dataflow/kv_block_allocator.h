// Which block and page each KV page is programmed into, per plane slot of the KV mapping, with
// the wear it causes: P/E cycles per block and page reads since erase (read disturb), and the
// read-disturb refresh that moves a block when its reads reach the limit.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "common/strong_id.h"
#include "dataflow/kv_mapping.h"

namespace kvnand {

struct KvPageAddress {
  std::uint64_t slot;
  BlockId block;
  PageId page;
};

/// Pages a batch of appends will need on one plane slot for one kind.
struct KvPageDemand {
  std::uint64_t slot;
  KvKind kind;
  std::uint64_t pages;
};

struct KvWear {
  /// Highest P/E count of any block.
  std::uint32_t max_pe_cycles = 0;
  /// Highest reads since erase any block reached during the run (kept across refreshes).
  std::uint64_t max_reads_per_block = 0;
  std::uint64_t blocks_in_use = 0;
  /// Blocks in use whose reads since erase are >= the limit (limit > 0): a refresh was due but
  /// the plane had no free block to move them to.
  std::uint64_t blocks_over_read_limit = 0;
  /// Blocks moved by read-disturb refresh, and the programmed pages they carried (each one page
  /// read plus one page program of work for the flash).
  std::uint64_t refreshes = 0;
  std::uint64_t refreshed_pages = 0;
};

class KvBlockAllocator {
 public:
  /// first_free_block[slot]: blocks below it on that plane hold weights (compact variant) and are
  /// never used for KV. read_refresh_limit: reads since erase at which a block must be refreshed
  /// (0 = never). seed: for the randomised choice. Throws std::invalid_argument on no slots, zero
  /// blocks or pages, or a first_free_block past blocks_per_plane.
  KvBlockAllocator(std::vector<std::uint32_t> first_free_block, std::uint32_t blocks_per_plane,
                   std::uint32_t pages_per_block, std::uint64_t read_refresh_limit, std::uint64_t seed);

  /// Next page for a stream's page on `slot`: K and V have separate open blocks per plane
  /// (blocks never mix K and V; a block may hold pages of several streams of the same kind, in
  /// program order, sequential page order inside a block). When the open block is full, a new
  /// block is chosen among the plane's free blocks: lowest P/E count, counting the erase a used
  /// block needs before it is programmed again (so a never-used block wins a tie with a used one),
  /// remaining ties broken by the seeded generator (access-aware randomisation at plane level).
  /// Allocating a block that was used before counts an erase (P/E + 1). Throws
  /// std::length_error("plane slot N has no free block ...") when the plane is full.
  KvPageAddress allocate(std::uint64_t slot, KvKind kind);

  /// The first plane slot on which allocate() could not serve `demand` now (open blocks' free pages,
  /// then free blocks, shared by K and V), or nothing when all of it fits. Changes nothing.
  std::optional<std::uint64_t> first_short_slot(const std::vector<KvPageDemand>& demand) const;

  /// Every programmed page is read once per decode token (logit reads K, attend reads V):
  /// adds to every block in use its number of programmed pages. O(blocks in use). A block whose
  /// reads reach read_refresh_limit is moved to a fresh block of its plane (chosen like a new
  /// block in allocate()): the copy starts with zero reads, the old block becomes free.
  void record_token_reads();

  /// A request ended: every KV block becomes free (each is erased when it is next allocated).
  void release_all();

  KvWear wear() const;
  /// Programmed pages in blocks in use on that plane slot.
  std::uint64_t pages_in_use(std::uint64_t slot) const;

 private:
  static constexpr std::uint32_t kNoBlock = ~std::uint32_t{0};

  struct Block {
    std::uint64_t reads = 0;
    std::uint32_t pe_cycles = 0;
    std::uint32_t programmed = 0;
    /// Position in in_use_ while in use.
    std::uint64_t in_use_index = 0;
    bool used = false;
    KvKind kind = KvKind::K;
  };
  struct Plane {
    /// Free blocks keyed by the P/E count they will have once allocated.
    std::map<std::uint32_t, std::vector<std::uint32_t>> free_by_wear;
    std::array<std::uint32_t, 2> open{kNoBlock, kNoBlock};
    std::uint64_t pages = 0;
  };

  std::uint64_t check_slot(std::uint64_t slot) const;
  Block& block(std::uint64_t slot, std::uint32_t id) { return blocks_[slot * blocks_per_plane_ + id]; }
  /// Takes the plane's least-worn free block (random among ties) into use; kNoBlock when none is free.
  std::uint32_t take_free_block(std::uint64_t slot, KvKind kind);
  void free_block(std::uint64_t slot, std::uint32_t id);
  /// Moves a block past the read limit; false when the plane has no free block.
  bool refresh(std::uint64_t slot, std::uint32_t id);

  std::vector<std::uint32_t> first_free_block_;
  std::uint32_t blocks_per_plane_;
  std::uint32_t pages_per_block_;
  std::uint64_t read_refresh_limit_;
  std::uint64_t rng_state_;
  std::vector<Block> blocks_;
  std::vector<Plane> planes_;
  /// (slot, block) of every block in use, as slot * blocks_per_plane + block.
  std::vector<std::uint64_t> in_use_;
  std::uint32_t max_pe_cycles_ = 0;
  std::uint64_t max_reads_ = 0;
  std::uint64_t refreshes_ = 0;
  std::uint64_t refreshed_pages_ = 0;
};

}  // namespace kvnand
