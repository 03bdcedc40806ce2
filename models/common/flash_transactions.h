// The mandatory payload extensions of the two flash-side TLM seams:
//  - HostRequest: host -> controller, one page-granular read / program / erase;
//  - NandOperation: controller -> channel -> die, one ONFI bus sequence, in-flash-compute command
//    or half of a page-stream read-out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include <systemc>
#include <tlm>

#include "common/command_tag.h"
#include "common/flash_address.h"
#include "flash/stream_readout.h"
#include "ifc/ifc_engine.h"
#include "ifc/kv_data.h"

namespace kvnand {

enum class HostOp : std::uint8_t { Read, Program, Erase };

/// A page-granular request at a physical address. The generic payload's data pointer holds the
/// page data (page_data_bytes) for reads and programs, or is null for timing-only requests.
class HostRequest : public tlm::tlm_extension<HostRequest> {
 public:
  HostOp op = HostOp::Read;
  PageAddress address;
  /// Response: when the controller accepted the request and when it completed (absolute times).
  sc_core::sc_time accepted_at;
  sc_core::sc_time completed_at;
  /// Why the request failed when the response status is not OK.
  std::string error;

  tlm::tlm_extension_base* clone() const override { return new HostRequest(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const HostRequest&>(other);
  }
};

/// The bus sequences a controller sends to a die (ONFI command sets, reduced to what timing needs).
enum class NandCommand : std::uint8_t {
  Read,           ///< 00h-addr-30h per plane: array -> data register -> cache register (tR)
  CacheReadNext,  ///< 31h: data -> cache register (tRCBSY), then the array reads the next page
  CacheReadLast,  ///< 3Fh: data -> cache register (tRCBSY), no further array read
  DataOut,        ///< cache register of one plane -> channel
  Program,        ///< 80h-addr-data-11h per plane, last one 10h: channel -> register -> array (tPROG)
  Erase,          ///< 60h-addr-D1h per plane, last one D0h (tBERS)
  IfcBroadcast,   ///< input vector to every die on the channel (latched into their global buffers)
  IfcInput,       ///< input bytes to one die (the compact variant's new K/V token into a plane's KV buffer)
  IfcCompute,     ///< a kernel over page streams on the die's planes (command + optional input data)
  IfcReadout,     ///< results from the die's global buffer -> channel
  IfcProgram,     ///< one (possibly partial) KV page programmed on a plane, data from the bus or the die's KV buffer
  StreamRead,     ///< multi-plane read of a page stream (00h-addr-30h per plane used), cache read to the end
  StreamDataOut,  ///< the stream's pages leave over the bus, each released by a cache-read command
};
inline constexpr std::size_t kNandCommandCount = static_cast<std::size_t>(NandCommand::StreamDataOut) + 1;
/// "read", "cache_read_next", ..., "stream_data_out" (the names the traces use).
const char* to_string(NandCommand command);

/// One bus sequence to one die. The die fills in `ready_at` (R/B# returning high) and `error`.
class NandOperation : public tlm::tlm_extension<NandOperation> {
 public:
  NandCommand command = NandCommand::Read;
  DieId die;
  /// Planes addressed by Read / Program / Erase.
  PlaneMask planes;
  /// The plane of CacheRead* and DataOut.
  PlaneId plane;
  BlockId block;
  PageId page;
  /// Program: page data per plane, in ascending plane order; a null entry programs timing-only.
  std::array<const std::uint8_t*, PlaneMask::kMaxPlanes> program_data{};
  /// IfcCompute: the page streams and the kernel. StreamRead / StreamDataOut: the pages per plane.
  IfcStreamCommand stream;
  /// StreamRead / StreamDataOut: bytes each page moves over the bus (set by the controller).
  std::uint32_t stream_page_bytes = 0;
  /// StreamRead: what a page costs on the bus, filled in by the channel for the die's timing.
  StreamBusTiming stream_bus;
  /// Ifc*: data bytes this sequence moves on the bus (input vector, results, page data).
  std::uint64_t bus_bytes = 0;
  /// IfcProgram: page data bytes programmed on `plane`.
  std::uint32_t program_bytes = 0;
  /// Which decode step, layer, head and phase the command serves (for traces).
  CommandTag tag;
  /// IfcCompute / IfcProgram: functional data (null: timing only).
  KvKernelData* kernel_data = nullptr;
  const KvProgramData* kv_program = nullptr;

  /// Response: when the die's array starts and finishes this sequence's work (absolute simulated
  /// times; equal when the sequence gives the array nothing to do). A stream read-out's array
  /// time is split: StreamRead from the array's start to the stream's earliest possible end,
  /// StreamDataOut from there to the end its bus tenure allows (empty when they agree).
  sc_core::sc_time array_start;
  sc_core::sc_time ready_at;
  /// Response, CacheRead*: when the cache register holds the page for DataOut; StreamRead: when
  /// the stream's first page may start to leave (StreamDataOut is sent then).
  sc_core::sc_time cache_ready_at;
  /// Response, IfcCompute: when the first plane started and how long its planes were still programming.
  sc_core::sc_time compute_start;
  sc_core::sc_time program_stall;
  std::string error;

  tlm::tlm_extension_base* clone() const override { return new NandOperation(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const NandOperation&>(other);
  }
};

}  // namespace kvnand
