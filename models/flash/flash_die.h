// A flash die behind a channel: planes with data and cache registers, array timing, a sparse page
// store and wear counters, and optionally the in-flash-compute logic die (IfcEngine) bonded to it.
// Bus time is charged by the channel; the die charges array time and answers each bus sequence
// with the moment its array is ready again. Page streams are read out in closed form
// (stream_readout.h) between a StreamRead and its StreamDataOut.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "common/activity_observer.h"
#include "common/flash_transactions.h"
#include "flash/flash_spec.h"
#include "flash/page_store.h"
#include "flash/stage_spans.h"
#include "flash/wear_counters.h"
#include "ifc/ifc_engine.h"
#include "ifc/ifc_spec.h"

namespace kvnand {

struct DieStats {
  std::uint64_t page_reads = 0;
  std::uint64_t page_programs = 0;
  std::uint64_t block_erases = 0;
  /// Time the array was busy (R/B# low), cache-register copies included.
  sc_core::sc_time busy_time;
  double read_energy_J = 0;
  double program_energy_J = 0;
  double erase_energy_J = 0;
};

class FlashDie : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<FlashDie> socket;

  /// `ifc` null: a plain NAND die that refuses in-flash-compute commands. `observer` (may be
  /// null) must be fully built: its wants_plane_detail() is asked here once.
  FlashDie(sc_core::sc_module_name name, const FlashSpec& spec, ChannelId channel, DieId die,
           ActivityObserver* observer, const IfcSpec* ifc = nullptr);

  const DieStats& stats() const { return stats_; }
  const WearCounters& wear() const { return wear_; }
  const PageStore& pages() const { return pages_; }
  /// The compute logic, or null for a plain die.
  const IfcEngine* ifc() const { return ifc_.get(); }

 private:
  /// What a plane's register holds: a page address, or nothing.
  struct RegisterContent {
    bool valid = false;
    BlockId block;
    PageId page;
  };
  struct PlaneRegisters {
    RegisterContent data;
    RegisterContent cache;
  };
  /// A page stream between its StreamRead and its StreamDataOut: the registers of its planes hold
  /// pages until the bus has drained them.
  struct PendingStream {
    bool active = false;
    PlaneMask planes;
    sc_core::sc_time array_end;
    sc_core::sc_time reserved_until;
  };

  void b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay);

  // Each returns false after filling op.error when the sequence is not legal now.
  bool read(NandOperation& op, const sc_core::sc_time& at);
  bool cache_read(NandOperation& op, const sc_core::sc_time& at);
  bool data_out(NandOperation& op, tlm::tlm_generic_payload& trans);
  bool program(NandOperation& op, const sc_core::sc_time& at);
  bool erase(NandOperation& op, const sc_core::sc_time& at);
  bool ifc_compute(NandOperation& op, const sc_core::sc_time& at);
  bool ifc_program(NandOperation& op, const sc_core::sc_time& at);
  /// A KV page program on a die without compute logic (timing only).
  bool plain_program(NandOperation& op, const sc_core::sc_time& at);
  bool stream_read(NandOperation& op, const sc_core::sc_time& at);
  bool stream_data_out(NandOperation& op, const sc_core::sc_time& at);
  /// The values of a logit / attend kernel from the stored pages; throws std::invalid_argument
  /// for a page that is not on the die, not programmed, or on a plane the command does not use.
  void compute_values(NandOperation& op);

  bool check_idle(NandOperation& op, const sc_core::sc_time& at);
  bool check_address(NandOperation& op, PlaneMask planes, PageId page);
  /// Reads one page into a plane's data register and accounts for it.
  void array_read(PlaneId plane, BlockId block, PageId page);
  sc_core::sc_time occupy_array(PlaneMask planes, PlaneActivity what, const sc_core::sc_time& start,
                                const sc_core::sc_time& duration);
  /// Gathers a kernel's stage intervals as PE / ECC and plane activity (empty when not wanted);
  /// report_stage_spans() then reports them, planes with equal intervals together.
  std::function<void(PlaneId, const PageStageInterval&)> stage_reporter(const IfcStreamCommand& cmd);
  void report_stage_spans();

  FlashSpec spec_;
  ChannelId channel_;
  DieId die_;
  ActivityObserver* observer_;
  /// Whether the observer wants plane and stage reports (asked once: the answer is fixed).
  bool plane_detail_;
  StageSpans stage_spans_;
  std::vector<PlaneRegisters> planes_;
  PageStore pages_;
  WearCounters wear_;
  DieStats stats_;
  sc_core::sc_time array_free_at_;
  PendingStream stream_;
  double page_bits_;
  std::unique_ptr<IfcEngine> ifc_;
};

}  // namespace kvnand
