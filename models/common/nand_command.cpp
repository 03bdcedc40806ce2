#include <array>

#include "common/flash_transactions.h"

namespace kvnand {

const char* to_string(NandCommand command) {
  static constexpr std::array<const char*, kNandCommandCount> kNames = {
      "read",          "cache_read_next", "cache_read_last", "data_out",    "program",    "erase",
      "ifc_broadcast", "ifc_input",       "ifc_compute",     "ifc_readout", "ifc_program", "stream_read",
      "stream_data_out"};
  return kNames[static_cast<std::size_t>(command)];
}

}  // namespace kvnand
