#include "dataflow/weight_placement.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace kvnand {
namespace {

constexpr std::uint64_t kByteBits = 8;

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

}  // namespace

WeightPlacement::WeightPlacement(std::uint32_t dies, std::uint32_t planes_per_die, std::uint32_t page_data_bytes,
                                 std::uint32_t weight_bits)
    : dies_(dies),
      planes_per_die_(planes_per_die),
      page_data_bytes_(page_data_bytes),
      weight_bits_(weight_bits),
      slots_(std::uint64_t{dies} * planes_per_die),
      pages_on_slot_(slots_, 0) {
  if (dies == 0 || planes_per_die == 0 || page_data_bytes == 0 || weight_bits == 0)
    throw std::invalid_argument("weight placement: dies, planes_per_die, page_data_bytes and weight_bits must be > 0");
  if (planes_per_die > PlaneMask::kMaxPlanes)
    throw std::invalid_argument("weight placement: planes_per_die " + std::to_string(planes_per_die) + " exceeds " +
                                std::to_string(PlaneMask::kMaxPlanes));
  if (weights_per_page() == 0)
    throw std::invalid_argument("weight placement: a " + std::to_string(weight_bits) + "-bit weight exceeds a page");
}

std::uint64_t WeightPlacement::weights_per_page() const {
  return std::uint64_t{page_data_bytes_} * kByteBits / weight_bits_;
}

WeightPlacement::PartLayout WeightPlacement::layout_of(const MatrixShape& part) const {
  const std::uint64_t page_bits = std::uint64_t{page_data_bytes_} * kByteBits;
  const std::uint64_t row_bits = part.cols * weight_bits_;
  PartLayout layout;
  layout.rows = part.rows;
  if (row_bits >= page_bits) {
    layout.pages_per_row = ceil_div(row_bits, page_bits);
    layout.pages = part.rows * layout.pages_per_row;
  } else {
    layout.rows_per_page = page_bits / row_bits;
    layout.pages = ceil_div(part.rows, layout.rows_per_page);
  }
  return layout;
}

/// Rows of a part touched by its pages [first_page, end_page) (part-local, non-empty).
std::uint64_t WeightPlacement::rows_in(const PartLayout& part, std::uint64_t first_page, std::uint64_t end_page) {
  if (part.rows_per_page > 0)
    return std::min(end_page * part.rows_per_page, part.rows) - first_page * part.rows_per_page;
  return (end_page - 1) / part.pages_per_row - first_page / part.pages_per_row + 1;
}

WeightPlacement::Handle WeightPlacement::place(const std::vector<MatrixShape>& parts) {
  if (parts.empty()) throw std::invalid_argument("weight placement: a GEMV needs at least one part");
  std::vector<PartLayout> layouts;
  std::vector<std::uint64_t> part_start;
  std::uint64_t n = 0;
  for (const MatrixShape& part : parts) {
    if (part.rows == 0 || part.cols == 0)
      throw std::invalid_argument("weight placement: matrix " + std::to_string(part.rows) + " x " +
                                  std::to_string(part.cols) + " has a zero dimension");
    layouts.push_back(layout_of(part));
    part_start.push_back(n);
    n += layouts.back().pages;
  }
  const std::uint64_t base = n / slots_;
  const std::uint64_t remainder = n % slots_;
  if (base + (remainder > 0 ? 1 : 0) > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("weight placement: more than 2^32 pages of one GEMV on a plane");

  Placed result;
  result.pages = n;
  std::uint64_t next_page = 0;
  for (std::uint32_t die = 0; die < dies_; ++die) {
    DieGemvWork die_work;
    die_work.die_index = die;
    const std::uint64_t first = next_page;
    for (std::uint32_t plane = 0; plane < planes_per_die_; ++plane) {
      const std::uint64_t slot = std::uint64_t{die} * planes_per_die_ + plane;
      const std::uint64_t count = base + ((slot + slots_ - cursor_) % slots_ < remainder ? 1 : 0);
      die_work.pages_per_plane[plane] = static_cast<std::uint32_t>(count);
      pages_on_slot_[slot] += count;
      next_page += count;
    }
    if (next_page == first) continue;
    for (std::size_t i = 0; i < layouts.size(); ++i) {
      const std::uint64_t begin = std::max(first, part_start[i]);
      const std::uint64_t end = std::min(next_page, part_start[i] + layouts[i].pages);
      if (begin < end) die_work.output_rows += rows_in(layouts[i], begin - part_start[i], end - part_start[i]);
    }
    result.work.push_back(die_work);
  }
  cursor_ = (cursor_ + remainder) % slots_;
  total_pages_ += n;
  placed_.push_back(std::move(result));
  return static_cast<Handle>(placed_.size() - 1);
}

const WeightPlacement::Placed& WeightPlacement::placed(Handle handle) const {
  if (handle >= placed_.size())
    throw std::out_of_range("weight placement: unknown handle " + std::to_string(handle));
  return placed_[handle];
}

const std::vector<DieGemvWork>& WeightPlacement::work(Handle handle) const { return placed(handle).work; }

std::uint64_t WeightPlacement::pages(Handle handle) const { return placed(handle).pages; }

std::uint64_t WeightPlacement::pages_on_plane(std::uint32_t die_index, PlaneId plane) const {
  if (die_index >= dies_ || plane.value() >= planes_per_die_)
    throw std::out_of_range("weight placement: no plane " + std::to_string(plane.value()) + " on die " +
                            std::to_string(die_index));
  return pages_on_slot_[std::uint64_t{die_index} * planes_per_die_ + plane.value()];
}

std::uint64_t WeightPlacement::max_pages_on_a_plane() const {
  return *std::max_element(pages_on_slot_.begin(), pages_on_slot_.end());
}

}  // namespace kvnand
