// What the controller's command scheduler issued: one record per command it handed to a die's
// sequencer (page commands) or let start (in-flash-compute and page-stream commands). The same
// record comes from the TLM scheduler and from an RTL scheduler, so two runs can be compared.
#pragma once

#include <cstdint>
#include <string_view>

#include <systemc>

#include "common/flash_address.h"
#include "common/flash_transactions.h"
#include "common/strong_id.h"

namespace kvnand {

/// The scheduler's op codes; the values are the RTL port contract's 4-bit codes.
enum class SchedulerOp : std::uint8_t {
  Read = 0,
  Program = 1,
  Erase = 2,
  Broadcast = 8,
  Input = 9,
  Compute = 10,
  KvProgram = 11,
  ReadPages = 12,
};

/// The scheduler op of a page request.
constexpr SchedulerOp scheduler_op(HostOp op) {
  switch (op) {
    case HostOp::Read: return SchedulerOp::Read;
    case HostOp::Program: return SchedulerOp::Program;
    case HostOp::Erase: return SchedulerOp::Erase;
  }
  return SchedulerOp::Read;
}

/// Page-class ops wait in a die's queue and may be merged; stream-class ops are issued one by one.
constexpr bool is_page_op(SchedulerOp op) { return static_cast<std::uint8_t>(op) < 8; }

constexpr std::string_view to_string(SchedulerOp op) {
  switch (op) {
    case SchedulerOp::Read: return "read";
    case SchedulerOp::Program: return "program";
    case SchedulerOp::Erase: return "erase";
    case SchedulerOp::Broadcast: return "broadcast";
    case SchedulerOp::Input: return "input";
    case SchedulerOp::Compute: return "compute";
    case SchedulerOp::KvProgram: return "kv_program";
    case SchedulerOp::ReadPages: return "read_pages";
  }
  return "?";
}

struct IssuedCommand {
  sc_core::sc_time at;
  SchedulerOp op = SchedulerOp::Read;
  ChannelId channel;
  /// Broadcast: 0 (every die of the channel).
  DieId die;
  PlaneMask planes;
  std::uint32_t block = 0;
  std::uint32_t page = 0;
  /// Pages the command reads, programs or computes over (a cache read's run; a stream's total).
  std::uint64_t pages = 0;
  /// Requests the command serves (a multi-plane command's planes, a cache read's pages; else 1).
  std::uint32_t requests = 1;
  /// The tag of the first request it serves.
  std::uint32_t tag = 0;
};

}  // namespace kvnand
