// The paper's Table I flash part and per-plane compute logic as plain specs, for unit tests that
// build an IfcEngine or pipeline timings without loading a config file.
#pragma once

#include "common/sim_time.h"
#include "flash/flash_spec.h"
#include "ifc/ifc_spec.h"

namespace kvnand::test {

inline FlashSpec table1_flash() {
  FlashSpec f;
  f.geometry.page_data_bytes = 4096;
  f.geometry.page_spare_bytes = 448;
  f.geometry.pages_per_block = 768;
  f.geometry.blocks_per_plane = 177;
  f.geometry.planes_per_die = 32;
  f.timing.tR = picoseconds(4000000);
  f.timing.tPROG = picoseconds(75000000);
  f.energy.read_pJ_per_bit = 3.0;
  f.energy.program_pJ_per_bit = 7.5;
  return f;
}

inline IfcSpec table1_ifc(PipelineMode mode = PipelineMode::Stream) {
  IfcSpec s;
  s.fmacs_per_plane = 16;
  s.pe_clock_MHz = 400;
  s.ecc_Gbps_per_plane = 14.6;
  s.global_buffer_bytes = 266240;
  s.kv_buffer_bytes_per_plane = 8192;
  s.partial_sum_bytes = 4;
  s.mac_energy_pJ = 1.09;
  s.ecc_decode_pJ_per_bit = 0.359;
  s.ecc_encode_pJ_per_bit = 0.082;
  s.global_buffer_power_mW = 18.4;
  s.mode = mode;
  return s;
}

}  // namespace kvnand::test
