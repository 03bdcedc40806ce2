#include "dataflow/capacity.h"

#include <array>
#include <cstdio>
#include <stdexcept>

namespace kvnand {
namespace {

constexpr double kBytesPerGB = 1e9;

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

std::string gigabytes(std::uint64_t bytes) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.2f GB", static_cast<double>(bytes) / kBytesPerGB);
  return text.data();
}

void check_shared_group(const WeightPlacement& weights, const KvMapping& kv) {
  if (kv.kv_dies() > weights.dies() || kv.planes_per_die() != weights.planes_per_die())
    throw std::invalid_argument("capacity: a shared KV mapping of " + std::to_string(kv.kv_dies()) + " dies x " +
                                std::to_string(kv.planes_per_die()) + " planes does not fit the weight group of " +
                                std::to_string(weights.dies()) + " dies x " + std::to_string(weights.planes_per_die()) +
                                " planes");
}

/// Blocks one plane needs, and where it is.
struct PlaneBlocks {
  std::uint32_t die_index = 0;
  std::uint32_t plane = 0;
  bool kv_group = false;  ///< a plane of the discrete variant's KV group
  std::uint64_t weights = 0;
  std::uint64_t k = 0;
  std::uint64_t v = 0;
  std::uint64_t total() const { return weights + k + v; }
};

std::string where(const PlaneBlocks& p, bool shared) {
  const char* group = shared ? "" : p.kv_group ? "KV " : "weight ";
  return std::string(group) + "die " + std::to_string(p.die_index) + " plane " + std::to_string(p.plane);
}

/// KV pages of each kind on each slot of the mapping when every stream holds `pages` pages.
std::array<std::vector<std::uint64_t>, 2> kv_pages_per_slot(const KvMapping& kv, std::uint64_t pages) {
  std::array<std::vector<std::uint64_t>, 2> per_kind{std::vector<std::uint64_t>(kv.slots(), 0),
                                                     std::vector<std::uint64_t>(kv.slots(), 0)};
  for (std::uint64_t s = 0; s < kv.streams(); ++s) {
    const KvStream stream = kv.stream_at(s);
    std::vector<std::uint64_t>& slots = per_kind[static_cast<std::size_t>(stream.kind)];
    for (const DieKvWork& die : kv.work(stream, pages))
      for (std::uint32_t plane = 0; plane < kv.planes_per_die(); ++plane)
        slots[std::uint64_t{plane} * kv.kv_dies() + die.die_index] += die.pages_per_plane[plane];
  }
  return per_kind;
}

std::vector<PlaneBlocks> weight_blocks(const WeightPlacement& weights, std::uint32_t pages_per_block) {
  std::vector<PlaneBlocks> planes;
  for (std::uint32_t d = 0; d < weights.dies(); ++d)
    for (std::uint32_t p = 0; p < weights.planes_per_die(); ++p) {
      PlaneBlocks blocks;
      blocks.die_index = d;
      blocks.plane = p;
      blocks.weights = ceil_div(weights.pages_on_plane(d, PlaneId(p)), pages_per_block);
      planes.push_back(blocks);
    }
  return planes;
}

/// The plane whose weights need the most blocks (the first on a tie).
const PlaneBlocks& fullest_weights(const std::vector<PlaneBlocks>& planes) {
  const PlaneBlocks* worst = &planes.front();
  for (const PlaneBlocks& p : planes)
    if (p.weights > worst->weights) worst = &p;
  return *worst;
}

std::string weights_do_not_fit(const PlaneBlocks& plane, bool shared, std::uint32_t blocks_per_plane,
                               const std::string& totals) {
  return "weights do not fit: " + where(plane, shared) + " needs " + std::to_string(plane.weights) +
         " blocks, a plane has " + std::to_string(blocks_per_plane) + " (" + totals;
}

}  // namespace

CapacityReport check_capacity(const WeightPlacement& weights, const KvMapping& kv, std::uint64_t total_tokens,
                              std::uint32_t pages_per_block, std::uint32_t blocks_per_plane,
                              std::uint32_t page_data_bytes, bool shared) {
  if (pages_per_block == 0 || blocks_per_plane == 0)
    throw std::invalid_argument("capacity: pages_per_block and blocks_per_plane must be > 0");
  if (page_data_bytes != weights.page_data_bytes() || page_data_bytes != kv.page_data_bytes())
    throw std::invalid_argument("capacity: page_data_bytes " + std::to_string(page_data_bytes) +
                                " differs from the weight placement's or KV mapping's page");
  if (shared) check_shared_group(weights, kv);

  const std::uint64_t kv_pages = ceil_div(total_tokens, kv.tokens_per_page());
  const auto kv_per_slot = kv_pages_per_slot(kv, kv_pages);
  std::vector<PlaneBlocks> planes = weight_blocks(weights, pages_per_block);
  for (std::uint64_t slot = 0; slot < kv.slots(); ++slot) {
    const GroupPlane at = kv.plane_of_slot(slot);
    PlaneBlocks* blocks = nullptr;
    if (shared) {
      blocks = &planes[std::uint64_t{at.die_index} * weights.planes_per_die() + at.plane.value()];
    } else {
      blocks = &planes.emplace_back();
      blocks->die_index = at.die_index;
      blocks->plane = at.plane.value();
      blocks->kv_group = true;
    }
    blocks->k = ceil_div(kv_per_slot[0][slot], pages_per_block);
    blocks->v = ceil_div(kv_per_slot[1][slot], pages_per_block);
  }

  CapacityReport report;
  report.weights_bytes = weights.total_pages() * page_data_bytes;
  report.kv_bytes = kv.streams() * kv_pages * page_data_bytes;
  const std::uint64_t group_planes = std::uint64_t{weights.dies()} * weights.planes_per_die() + (shared ? 0 : kv.slots());
  report.available_bytes = group_planes * blocks_per_plane * pages_per_block * page_data_bytes;

  const PlaneBlocks* worst_weights = &fullest_weights(planes);
  const PlaneBlocks* worst = &planes.front();
  for (const PlaneBlocks& p : planes)
    if (p.total() > worst->total()) worst = &p;
  const std::string totals = "weights " + gigabytes(report.weights_bytes) + " + KV " + gigabytes(report.kv_bytes) +
                             " at " + std::to_string(total_tokens) + " tokens, available " +
                             gigabytes(report.available_bytes) + ")";
  if (worst_weights->weights > blocks_per_plane) {
    report.oom = true;
    report.reason = weights_do_not_fit(*worst_weights, shared, blocks_per_plane, totals);
  } else if (worst->total() > blocks_per_plane) {
    report.oom = true;
    report.reason = "KV cache does not fit: " + where(*worst, shared) + " needs " + std::to_string(worst->total()) +
                    " blocks (" + (shared ? std::to_string(worst->weights) + " weights + " : std::string()) +
                    std::to_string(worst->k) + " K + " + std::to_string(worst->v) + " V), a plane has " +
                    std::to_string(blocks_per_plane) + " (" + totals;
  }
  return report;
}

CapacityReport check_dram_kv_capacity(const WeightPlacement& weights, std::uint64_t kv_bytes, std::uint64_t dram_bytes,
                                      std::uint64_t total_tokens, std::uint32_t pages_per_block,
                                      std::uint32_t blocks_per_plane, std::uint32_t page_data_bytes) {
  if (pages_per_block == 0 || blocks_per_plane == 0)
    throw std::invalid_argument("capacity: pages_per_block and blocks_per_plane must be > 0");
  if (page_data_bytes != weights.page_data_bytes())
    throw std::invalid_argument("capacity: page_data_bytes " + std::to_string(page_data_bytes) +
                                " differs from the weight placement's page");
  CapacityReport report;
  report.weights_bytes = weights.total_pages() * page_data_bytes;
  report.kv_bytes = kv_bytes;
  const std::uint64_t flash_bytes =
      std::uint64_t{weights.dies()} * weights.planes_per_die() * blocks_per_plane * pages_per_block * page_data_bytes;
  report.available_bytes = flash_bytes + dram_bytes;
  const std::string totals = "weights " + gigabytes(report.weights_bytes) + " in " + gigabytes(flash_bytes) +
                             " of flash, KV " + gigabytes(kv_bytes) + " at " + std::to_string(total_tokens) +
                             " tokens in " + gigabytes(dram_bytes) + " of DRAM)";
  const PlaneBlocks& worst = fullest_weights(weight_blocks(weights, pages_per_block));
  if (worst.weights > blocks_per_plane) {
    report.oom = true;
    report.reason = weights_do_not_fit(worst, true, blocks_per_plane, totals);
  } else if (kv_bytes > dram_bytes) {
    report.oom = true;
    report.reason = "KV cache does not fit the DRAM: " + std::to_string(kv_bytes) + " bytes needed, " +
                    std::to_string(dram_bytes) + " bytes available (" + totals;
  }
  return report;
}

std::vector<std::uint32_t> kv_first_free_blocks(const WeightPlacement& weights, const KvMapping& kv,
                                                std::uint32_t pages_per_block, bool shared) {
  if (pages_per_block == 0) throw std::invalid_argument("capacity: pages_per_block must be > 0");
  std::vector<std::uint32_t> first_free(kv.slots(), 0);
  if (!shared) return first_free;
  check_shared_group(weights, kv);
  for (std::uint64_t slot = 0; slot < kv.slots(); ++slot) {
    const GroupPlane at = kv.plane_of_slot(slot);
    first_free[slot] = static_cast<std::uint32_t>(ceil_div(weights.pages_on_plane(at.die_index, at.plane), pages_per_block));
  }
  return first_free;
}

}  // namespace kvnand
