#include "flash/flash_spec.h"

#include <cmath>
#include <sstream>

#include "common/config_reader.h"
#include "common/flash_address.h"
#include "common/sim_time.h"

namespace kvnand {
namespace {

constexpr double kBitsPerGibibit = 1024.0 * 1024.0 * 1024.0;
/// A declared capacity may differ from the geometry's by rounding in its last printed digit.
constexpr double kDeclaredCapacityRelativeTolerance = 1e-4;

/// Accepts at most 2^32-1 (geometry counts are stored as 32-bit).
constexpr std::uint64_t kMaxCount = 0xFFFFFFFFull;

FlashGeometry parse_geometry(config::Node node) {
  FlashGeometry g;
  g.page_data_bytes = static_cast<std::uint32_t>(node.integer("page_data_bytes", 1, kMaxCount));
  g.page_spare_bytes = static_cast<std::uint32_t>(node.integer("page_spare_bytes", 0, kMaxCount));
  g.pages_per_block = static_cast<std::uint32_t>(node.integer("pages_per_block", 1, kMaxCount));
  g.blocks_per_plane = static_cast<std::uint32_t>(node.integer("blocks_per_plane", 1, kMaxCount));
  g.planes_per_die = static_cast<std::uint32_t>(node.integer("planes_per_die", 1, PlaneMask::kMaxPlanes));

  // An optional declared capacity documents the datasheet figure and catches a mistyped geometry.
  if (node.has("declared_capacity_Gib_per_plane")) {
    const double declared = node.number("declared_capacity_Gib_per_plane", config::positive("Gib"));
    const double actual = static_cast<double>(g.pages_per_plane()) * g.page_data_bytes * kBitsPerByte / kBitsPerGibibit;
    if (std::fabs(declared - actual) > declared * kDeclaredCapacityRelativeTolerance) {
      std::ostringstream problem;
      problem << declared << " Gib contradicts the geometry, which gives " << actual
              << " Gib (pages_per_block x blocks_per_plane x page_data_bytes x 8 / 2^30)";
      node.fail("declared_capacity_Gib_per_plane", problem.str());
    }
  }
  node.finish();
  return g;
}

CellTiming parse_timing(config::Node node) {
  CellTiming t;
  t.tR = from_ns(node.number("tR_ns", config::positive("ns")));
  t.tPROG = from_ns(node.number("tPROG_ns", config::positive("ns")));
  t.tBERS = from_ns(node.number("tBERS_ns", config::positive("ns")));
  t.tRCBSY = from_ns(node.number("tRCBSY_ns", config::non_negative("ns")));
  node.finish();
  return t;
}

FlashEnergy parse_energy(config::Node node) {
  FlashEnergy e;
  e.read_pJ_per_bit = node.number("read_pJ_per_bit", config::non_negative("pJ/bit"));
  e.program_pJ_per_bit = node.number("program_pJ_per_bit", config::non_negative("pJ/bit"));
  e.erase_uJ_per_block = node.number("erase_uJ_per_block", config::non_negative("uJ/block"));
  e.interface_pJ_per_bit = node.number("interface_pJ_per_bit", config::non_negative("pJ/bit"));
  node.finish();
  return e;
}

}  // namespace

FlashSpec parse_flash_spec(config::Node node) {
  FlashSpec spec;
  node.choice_or("cell_mode", "SLC", {"SLC"});
  node.text_or("description", "");
  spec.geometry = parse_geometry(node.object("geometry"));
  spec.timing = parse_timing(node.object("timing"));
  spec.energy = parse_energy(node.object("energy"));
  node.finish();
  return spec;
}

}  // namespace kvnand
