// Where modules report what their hardware is doing, for waveforms, timelines and command lists.
// Reports come in simulated-time order of the moment they are made (sc_time_stamp()), but an
// interval may start or end in the simulated future (timing is annotated ahead): observers must
// accept that. Every interval reported starts at or after the moment of its report.
#pragma once

#include <cstdint>
#include <systemc>

#include "common/command_tag.h"
#include "common/flash_address.h"
#include "common/flash_transactions.h"
#include "common/issued_command.h"
#include "common/phase.h"
#include "ifc/ifc_engine.h"
#include "ifc/page_pipeline.h"
#include "npu/npu_spec.h"

namespace kvnand {

/// What one plane of a die is doing.
enum class PlaneActivity : std::uint8_t { Idle = 0, Read = 1, CacheCopy = 2, Program = 3, Erase = 4, Compute = 5 };

/// One bus sequence from the controller to a die (or to every die of a channel), complete with
/// the die's answer; reported by the channel when the controller issues it.
struct CommandRecord {
  NandCommand command = NandCommand::Read;
  ChannelId channel;
  DieId die;
  /// IfcBroadcast: every die of the channel latches the data (`die` is meaningless).
  bool all_dies = false;
  /// Planes the array works on (Read, Program, Erase, IfcCompute's planes with pages, the plane
  /// of CacheRead*, DataOut and IfcProgram).
  PlaneMask planes;
  /// IfcCompute: the kernel and its pages over all planes.
  IfcKernel kernel = IfcKernel::Gemv;
  std::uint64_t pages = 0;
  /// Data bytes on the bus (page data + spare for classic sequences).
  std::uint64_t bus_bytes = 0;
  /// When the controller handed the sequence to the channel, and its bus tenure.
  sc_core::sc_time issue, bus_start, bus_end;
  /// The array's (or compute logic's) work for this sequence; empty when start == end.
  sc_core::sc_time array_start, array_end;
  CommandTag tag;
};

/// Every report does nothing unless an observer overrides it.
class ActivityObserver {
 public:
  virtual ~ActivityObserver() = default;

  /// Every bus sequence, once, when issued.
  virtual void command([[maybe_unused]] const CommandRecord& record) {}
  /// Every command the controller's scheduler issued, once, in issue order.
  virtual void scheduler_issue([[maybe_unused]] const IssuedCommand& command) {}

  /// Whether plane_busy and stage_busy are wanted (they cost a call per plane per command).
  virtual bool wants_plane_detail() const { return false; }
  /// Planes' array or compute interval, the same for each of `planes` (only when wants_plane_detail()).
  virtual void plane_busy([[maybe_unused]] ChannelId channel, [[maybe_unused]] DieId die,
                          [[maybe_unused]] PlaneMask planes, [[maybe_unused]] PlaneActivity what,
                          [[maybe_unused]] const sc_core::sc_time& start,
                          [[maybe_unused]] const sc_core::sc_time& end) {}
  /// When planes' ECC decoders or PEs work (stage Ecc or Pe; only when wants_plane_detail()), one
  /// report for all planes with the same interval. Stream-mode pipelines report one span per
  /// stage and plane (first page in to last page out); page mode reports every page.
  virtual void stage_busy([[maybe_unused]] ChannelId channel, [[maybe_unused]] DieId die,
                          [[maybe_unused]] PlaneMask planes, [[maybe_unused]] PipelineStage stage,
                          [[maybe_unused]] const sc_core::sc_time& start,
                          [[maybe_unused]] const sc_core::sc_time& end) {}

  /// Requests the controller holds for a die (queued or in service), now. A broadcast counts
  /// for every die of its channel.
  virtual void queue_depth([[maybe_unused]] ChannelId channel, [[maybe_unused]] DieId die,
                           [[maybe_unused]] std::uint32_t requests) {}
  /// Results waiting in a die's global buffer grow (delta > 0, at the kernel's end) or are read
  /// out (delta < 0, at the end of the read-out's bus tenure).
  virtual void global_buffer([[maybe_unused]] ChannelId channel, [[maybe_unused]] DieId die,
                             [[maybe_unused]] std::int64_t delta_bytes, [[maybe_unused]] const sc_core::sc_time& at) {}
  /// The fill of a KV write buffer, now: the SoC's (discrete variant; on_die false) or one
  /// plane's KV buffer on its die (compact variant).
  virtual void kv_buffer([[maybe_unused]] bool on_die, [[maybe_unused]] ChannelId channel, [[maybe_unused]] DieId die,
                         [[maybe_unused]] PlaneId plane, [[maybe_unused]] std::uint64_t fill_bytes) {}

  /// One NPU op, when scheduled.
  virtual void npu_op([[maybe_unused]] NpuOpKind kind, [[maybe_unused]] const sc_core::sc_time& start,
                      [[maybe_unused]] const sc_core::sc_time& end, [[maybe_unused]] const CommandTag& tag) {}

  /// One access of an LPDDR channel (Base-1), when the channel schedules it: `bytes` (> 0) as they
  /// cross the bus (whole bursts) in its data phase [start, end).
  virtual void dram_access([[maybe_unused]] std::uint32_t channel, [[maybe_unused]] bool write,
                           [[maybe_unused]] std::uint64_t bytes, [[maybe_unused]] const sc_core::sc_time& start,
                           [[maybe_unused]] const sc_core::sc_time& end, [[maybe_unused]] const CommandTag& tag) {}

  /// The dataflow starts a step (a GEMV, a KV kernel, an NPU op, a KV append or page program)
  /// now; phase_end closes it, now, with the time it began. Steps of one thread nest; steps of
  /// concurrent threads (head-group pipelining, background programs) overlap.
  virtual void phase_begin([[maybe_unused]] const CommandTag& tag) {}
  virtual void phase_end([[maybe_unused]] const CommandTag& tag, [[maybe_unused]] const sc_core::sc_time& began) {}
};

}  // namespace kvnand
