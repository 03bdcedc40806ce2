// Where the weight matrices of the GEMVs live: every GEMV is split page-aligned over all planes
// of one die group, so each GEMV streams pages on every plane of the group at once.
//
// Layout rules (docs/mapping.md repeats them):
// - A GEMV computes y = W x for one or more parts that share the input vector x (Q, K, V; gate,
//   up). Each part is a rows x cols matrix stored row-major, `weight_bits` per weight. Sizes are
//   counted in bits, so 4-bit weights with an odd column count stay exact.
// - A row of row_bits = cols * weight_bits that is at least a page never shares a page: it takes
//   ceil(row_bits / page_bits) pages of its own. Shorter rows are packed floor(page_bits /
//   row_bits) to a page. Each part starts on a fresh page; the parts' pages are concatenated.
// - The group's plane slots are numbered die-major: slot = die_index * planes_per_die + plane
//   (S slots). A GEMV of N pages gives every slot N / S pages; the N % S remaining pages go one
//   each to the slots starting at a rotating cursor (wrapping), and the cursor then advances by
//   N % S, so remainders spread over the planes across matrices instead of piling on slot 0.
// - Pages are assigned to slots as contiguous ranges in slot order: slot 0 holds the GEMV's first
//   pages. A die therefore holds one contiguous range of the GEMV's pages; its output_rows are the
//   distinct (part, row) pairs among them, the partial sums it sends to the NPU. A row split over
//   two dies is counted by both.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "common/flash_address.h"
#include "common/strong_id.h"

namespace kvnand {

/// A plane of a die group: the die's index within the group, and the plane in that die.
struct GroupPlane {
  std::uint32_t die_index;
  PlaneId plane;
};

/// y = W x with W of rows x cols.
struct MatrixShape {
  std::uint64_t rows;
  std::uint64_t cols;
};

/// One die's share of a GEMV.
struct DieGemvWork {
  std::uint32_t die_index = 0;
  std::array<std::uint32_t, PlaneMask::kMaxPlanes> pages_per_plane{};
  /// Distinct (part, row) pairs whose pages this die holds: the partial sums it sends.
  std::uint64_t output_rows = 0;
};

class WeightPlacement {
 public:
  using Handle = std::uint32_t;

  /// Throws std::invalid_argument on a zero argument, more than PlaneMask::kMaxPlanes planes,
  /// or a weight wider than a page.
  WeightPlacement(std::uint32_t dies, std::uint32_t planes_per_die, std::uint32_t page_data_bytes,
                  std::uint32_t weight_bits);

  /// Places one GEMV's weights: several parts sharing one input vector (Q,K,V; gate,up) laid out
  /// one after the other. Throws std::invalid_argument on a zero dimension or no parts.
  Handle place(const std::vector<MatrixShape>& parts);

  /// Dies holding pages of the GEMV, ascending die_index.
  const std::vector<DieGemvWork>& work(Handle handle) const;
  std::uint64_t pages(Handle handle) const;
  /// page_data_bytes * 8 / weight_bits.
  std::uint64_t weights_per_page() const;
  /// Pages of all placed matrices on that plane.
  std::uint64_t pages_on_plane(std::uint32_t die_index, PlaneId plane) const;
  std::uint64_t total_pages() const { return total_pages_; }
  std::uint64_t max_pages_on_a_plane() const;

  std::uint32_t dies() const { return dies_; }
  std::uint32_t planes_per_die() const { return planes_per_die_; }
  std::uint32_t page_data_bytes() const { return page_data_bytes_; }
  std::uint32_t weight_bits() const { return weight_bits_; }

 private:
  struct Placed {
    std::uint64_t pages = 0;
    std::vector<DieGemvWork> work;
  };
  /// Pages a part occupies, and how many rows share a page / pages a row spans.
  struct PartLayout {
    std::uint64_t pages = 0;
    std::uint64_t rows = 0;
    std::uint64_t rows_per_page = 0;  ///< > 0 when rows share pages
    std::uint64_t pages_per_row = 0;  ///< > 0 when a row spans whole pages
  };

  PartLayout layout_of(const MatrixShape& part) const;
  static std::uint64_t rows_in(const PartLayout& part, std::uint64_t first_page, std::uint64_t end_page);
  const Placed& placed(Handle handle) const;

  std::uint32_t dies_;
  std::uint32_t planes_per_die_;
  std::uint32_t page_data_bytes_;
  std::uint32_t weight_bits_;
  std::uint64_t slots_;
  std::uint64_t cursor_ = 0;
  std::uint64_t total_pages_ = 0;
  std::vector<std::uint64_t> pages_on_slot_;
  std::vector<Placed> placed_;
};

}  // namespace kvnand
