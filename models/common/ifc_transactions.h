// The host-side payload extension for in-flash compute and coarse page-stream read-outs: the SoC
// runtime asks the flash controller for one die-level (or channel-level) step and blocks until
// it is done.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>

#include "common/command_tag.h"
#include "common/strong_id.h"
#include "ifc/ifc_engine.h"
#include "ifc/kv_data.h"

namespace kvnand {

enum class IfcHostOp : std::uint8_t {
  Broadcast,  ///< input bytes once over a channel to all its dies; done when the bus phase ends
  Input,      ///< input bytes to one die (a new K/V token into its KV buffer); done when the bus phase ends
  Compute,    ///< command (+ input bytes) to a die, the kernel, then output bytes read out; done after the readout
  Program,    ///< a KV page program on a plane; done when its data has crossed the bus (tPROG runs on)
  /// A page stream read out of a die (plain or IFC) to the host: a multi-plane cache read of each
  /// plane's pages (stream.pages_per_plane; kernel and MACs ignored), whole pages (data + spare)
  /// over the bus; done when the last page has crossed the bus. No pages: done at once, 0 bytes.
  ReadPages,
};

class IfcRequest : public tlm::tlm_extension<IfcRequest> {
 public:
  IfcHostOp op = IfcHostOp::Compute;
  /// What the request is for (traces only).
  CommandTag tag;
  ChannelId channel;
  DieId die;
  /// Bytes sent to the die(s) with the command; Program: 0 when the data is already in the die's KV buffer.
  std::uint64_t input_bytes = 0;
  /// Compute: result bytes read out of the global buffer after the kernel. ReadPages (response):
  /// the bytes the pages moved over the bus.
  std::uint64_t output_bytes = 0;
  IfcStreamCommand stream;
  /// Program: the plane and the page data bytes programmed.
  PlaneId plane;
  std::uint32_t program_bytes = 0;
  /// Functional data (null: timing only): the values of a logit / attend kernel, or a program's bytes.
  KvKernelData* kernel_data = nullptr;
  const KvProgramData* program_data = nullptr;

  /// Response, Compute: when the command (and its input) had crossed the bus, the kernel interval on
  /// the die, and how long its planes were still busy programming. ReadPages: when the read
  /// command had crossed the bus, when the die's array started the first page and when the last
  /// page had crossed the bus.
  sc_core::sc_time delivered_at;
  sc_core::sc_time compute_start;
  sc_core::sc_time compute_end;
  sc_core::sc_time program_stall;
  /// Response, Program: when the page program ends on its plane.
  sc_core::sc_time program_end;
  std::string error;

  tlm::tlm_extension_base* clone() const override { return new IfcRequest(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override { *this = static_cast<const IfcRequest&>(other); }
};

}  // namespace kvnand
