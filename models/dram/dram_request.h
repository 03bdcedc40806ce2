// The DRAM's payload extension: one read or write of a byte range, from the SoC runtime to the
// DRAM controller, and from the controller to each LPDDR channel for its share of the range.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>

#include "common/command_tag.h"

namespace kvnand {

enum class DramOp : std::uint8_t { Read, Write };
inline const char* to_string(DramOp op) { return op == DramOp::Read ? "read" : "write"; }

class DramRequest : public tlm::tlm_extension<DramRequest> {
 public:
  DramOp op = DramOp::Read;
  /// Byte address: in the whole DRAM space at the controller, in the channel's own space at a channel.
  std::uint64_t address = 0;
  std::uint64_t bytes = 0;
  /// What the access is for (traces only).
  CommandTag tag;

  /// Response (absolute simulated times): when the first channel's data starts, when the last data ends.
  sc_core::sc_time data_start;
  sc_core::sc_time data_end;
  /// Why the request was refused when the response status is not OK.
  std::string error;

  tlm::tlm_extension_base* clone() const override { return new DramRequest(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const DramRequest&>(other);
  }
};

}  // namespace kvnand
