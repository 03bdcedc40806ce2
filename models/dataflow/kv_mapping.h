// Page-level KV cache mapping (KVNAND's §7): a page holds consecutive tokens of exactly one
// (layer, KV head, K or V) stream, so attention for one head reads only that head's pages.
// Stream s's page p holds tokens [p * tokens_per_page, (p + 1) * tokens_per_page) and sits on
// plane slot (first_slot(s) + p) % slots. Slots are numbered plane-major (slot i is plane
// i / kv_dies of die i % kv_dies), so consecutive pages of a stream land on different dies and
// hence different channels. The 2k streams of a layer start slots / 2k slots apart (each owns its
// share of the slots, the spread of the paper's tokens-per-page formula), shifted by one slot
// per layer so that the layers' partial pages do not pile up on one plane's KV buffer. The
// mapping serves both variants: the KV die group of the discrete variant, or all dies of the
// compact one.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/flash_address.h"
#include "dataflow/weight_placement.h"

namespace kvnand {

enum class KvKind : std::uint8_t { K = 0, V = 1 };

/// Where a stream's first page goes.
enum class KvStreamStart : std::uint8_t {
  /// A layer's 2k streams slots / 2k apart, plus the layer index: (j * slots / 2k + layer) % slots
  /// for stream j = head * 2 + kind of the layer.
  Spread,
  /// Stream s at slot s % slots: a layer's streams crowd neighbouring slots while they are short.
  Consecutive,
};
/// "spread", "consecutive".
const char* to_string(KvStreamStart start);

/// One (layer, KV head, K or V): the unit whose tokens share pages.
struct KvStream {
  std::uint32_t layer;
  std::uint32_t head;
  KvKind kind;
};

/// One die's share of a stream's pages.
struct DieKvWork {
  std::uint32_t die_index = 0;
  std::array<std::uint32_t, PlaneMask::kMaxPlanes> pages_per_plane{};
  /// Tokens held in those pages.
  std::uint64_t tokens = 0;
};

class KvMapping {
 public:
  /// Throws std::invalid_argument on a zero argument, more than PlaneMask::kMaxPlanes planes, a
  /// token vector that is not whole bytes, or a page too small for one token.
  KvMapping(std::uint32_t layers, std::uint32_t kv_heads, std::uint32_t head_dim, std::uint32_t kv_bits,
            std::uint32_t kv_dies, std::uint32_t planes_per_die, std::uint32_t page_data_bytes,
            KvStreamStart start = KvStreamStart::Spread);

  /// floor(page_data_bytes * 8 / (head_dim * kv_bits)).
  std::uint32_t tokens_per_page() const { return tokens_per_page_; }
  /// head_dim * kv_bits / 8: one token's K (or V) of one head.
  std::uint32_t token_bytes() const { return token_bytes_; }
  /// layers * kv_heads * 2.
  std::uint64_t streams() const { return std::uint64_t{layers_} * kv_heads_ * 2; }
  /// (layer * kv_heads + head) * 2 + kind. Throws std::out_of_range for a layer or head past the model.
  std::uint64_t stream_index(const KvStream& stream) const;
  /// The stream with that index (inverse of stream_index).
  KvStream stream_at(std::uint64_t index) const;
  /// kv_dies * planes_per_die.
  std::uint64_t slots() const { return std::uint64_t{kv_dies_} * planes_per_die_; }

  /// KV plane slots are plane-major so consecutive slots sit on different dies (and channels):
  /// slot i -> die_index = i % kv_dies, plane = i / kv_dies. Page p of stream s -> slot
  /// (first_slot(s) + p) % slots.
  GroupPlane plane_of(const KvStream& stream, std::uint64_t page) const;
  std::uint64_t slot_of(const KvStream& stream, std::uint64_t page) const;
  GroupPlane plane_of_slot(std::uint64_t slot) const;
  /// The slot of the stream's page 0.
  std::uint64_t first_slot(const KvStream& stream) const;

  /// Pages [0, pages) of the stream, per die (ascending die_index, dies with >= 1 page only):
  /// page counts per plane and tokens held (all pages full: pages*tokens_per_page, except that
  /// `last_page_tokens` (1..tokens_per_page, 0 = full) is what the last page (pages-1) holds).
  /// O(slots). Throws std::invalid_argument when last_page_tokens exceeds tokens_per_page.
  std::vector<DieKvWork> work(const KvStream& stream, std::uint64_t pages, std::uint32_t last_page_tokens = 0) const;

  std::uint32_t layers() const { return layers_; }
  std::uint32_t kv_heads() const { return kv_heads_; }
  std::uint32_t kv_dies() const { return kv_dies_; }
  std::uint32_t planes_per_die() const { return planes_per_die_; }
  std::uint32_t page_data_bytes() const { return page_data_bytes_; }

 private:
  std::uint32_t layers_;
  std::uint32_t kv_heads_;
  std::uint32_t kv_dies_;
  std::uint32_t planes_per_die_;
  std::uint32_t page_data_bytes_;
  KvStreamStart start_;
  std::uint32_t tokens_per_page_ = 0;
  std::uint32_t token_bytes_ = 0;
};

}  // namespace kvnand
