// A flash part as configured: geometry, cell timing and energy (the paper's Table I by default).
#pragma once

#include <cstdint>

#include <systemc>

namespace kvnand::config {
class Node;
}

namespace kvnand {

struct FlashGeometry {
  std::uint32_t page_data_bytes = 0;
  std::uint32_t page_spare_bytes = 0;
  std::uint32_t pages_per_block = 0;
  std::uint32_t blocks_per_plane = 0;
  std::uint32_t planes_per_die = 0;

  /// Bytes a page occupies in the array and on the bus (data + spare).
  std::uint32_t page_total_bytes() const { return page_data_bytes + page_spare_bytes; }
  std::uint64_t blocks_per_die() const { return std::uint64_t{blocks_per_plane} * planes_per_die; }
  std::uint64_t pages_per_plane() const { return std::uint64_t{pages_per_block} * blocks_per_plane; }
  std::uint64_t pages_per_die() const { return pages_per_plane() * planes_per_die; }
};

struct CellTiming {
  sc_core::sc_time tR;      ///< page read: array -> data register
  sc_core::sc_time tPROG;   ///< page program
  sc_core::sc_time tBERS;   ///< block erase
  sc_core::sc_time tRCBSY;  ///< cache read: data register -> cache register
};

struct FlashEnergy {
  double read_pJ_per_bit = 0;
  double program_pJ_per_bit = 0;
  double erase_uJ_per_block = 0;
  double interface_pJ_per_bit = 0;
};

struct FlashSpec {
  FlashGeometry geometry;
  CellTiming timing;
  FlashEnergy energy;
};

/// Reads and validates a flash part ("flash" section of a platform).
FlashSpec parse_flash_spec(config::Node node);

}  // namespace kvnand
