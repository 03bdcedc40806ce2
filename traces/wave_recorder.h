// Records a run as a VCD waveform of state-level signals (docs/waveforms.md lists them), plus a
// GTKWave save file and translate-filter files next to it so that GTKWave opens it grouped per
// channel, die, NPU, dataflow and DRAM with states shown by name.
//
// Reports may describe the simulated future, so changes wait in a time-ordered queue and reach
// the file only once simulated time has passed them: the file is always monotone. Counted
// signals (busy, buffer fill, PE/ECC planes) add up the deltas of all changes at one time; state
// signals show the highest state active; value signals (queue depth, owner, tags) the last one set.
//
// The VCD is written to "<file>.partial" and renamed into place by close(), which an
// interrupted or failed run calls too, so a trace that exists is complete up to its end time.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <systemc>

#include "common/activity_observer.h"
#include "trace_layout.h"
#include "trace_spec.h"
#include "vcd_writer.h"
#include "wave_signals.h"

namespace kvnand {

class WaveRecorder : public ActivityObserver {
 public:
  /// Opens spec.vcd_file and declares the signals of `layout` that the scopes select; throws
  /// std::runtime_error naming the file on failure (nothing is left behind).
  WaveRecorder(const WaveSpec& spec, const TraceLayout& layout);
  ~WaveRecorder() override;
  WaveRecorder(const WaveRecorder&) = delete;
  WaveRecorder& operator=(const WaveRecorder&) = delete;

  void command(const CommandRecord& record) override;
  bool wants_plane_detail() const override;
  void plane_busy(ChannelId channel, DieId die, PlaneMask planes, PlaneActivity what, const sc_core::sc_time& start,
                  const sc_core::sc_time& end) override;
  void stage_busy(ChannelId channel, DieId die, PlaneMask planes, PipelineStage stage, const sc_core::sc_time& start,
                  const sc_core::sc_time& end) override;
  void queue_depth(ChannelId channel, DieId die, std::uint32_t requests) override;
  void global_buffer(ChannelId channel, DieId die, std::int64_t delta_bytes, const sc_core::sc_time& at) override;
  void kv_buffer(bool on_die, ChannelId channel, DieId die, PlaneId plane, std::uint64_t fill_bytes) override;
  void npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
              const CommandTag& tag) override;
  void phase_begin(const CommandTag& tag) override;
  void phase_end(const CommandTag& tag, const sc_core::sc_time& began) override;
  /// Throws std::out_of_range for a channel outside the layout's DRAM.
  void dram_access(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                   const sc_core::sc_time& end, const CommandTag& tag) override;

  /// Writes every change up to `end` (or the window's end, if earlier; later ones are dropped:
  /// the run stopped there), closes the VCD, and writes the save file and filter files. Throws
  /// std::runtime_error when a file could not be written completely (then none is left).
  void close(const sc_core::sc_time& end);
  /// Bytes of VCD written so far.
  std::uint64_t vcd_bytes() const;

  /// Another simulator's VCD of this run (the RTL scheduler's), complete by the time close() runs:
  /// close() merges it in under the top-level scope `scope`, over this VCD's window, adds `rows`
  /// to the save file, and removes `vcd_path` whatever happens.
  void attach_vcd(const std::string& vcd_path, const std::string& scope, std::vector<WaveView::Row> rows);

 private:
  /// How a signal combines its changes: Count shows whether any interval is active; State the
  /// highest slot with an active interval, and sets the wires that show one slot (a phase) or any
  /// slot (a channel's busy); Planes (a die's ECC or PEs) how many of its planes have an active
  /// interval, and sets those planes' wires; Sum adds deltas; Value shows the last value.
  enum class Kind : std::uint8_t { Count, State, Planes, Sum, Value };
  /// Merges the attached VCD into the partial file; throws std::runtime_error saying why not.
  void merge_attached(std::uint64_t close_ps);
  struct Node {
    int var = -1;  ///< VCD handle; -1: not shown (a Planes node that only drives plane wires)
    int any_wire = -1;  ///< State: the Count node set to its number of active intervals
    Kind kind = Kind::Value;
    bool touched = false;
    std::uint32_t first_slot = 0;              ///< State, Planes: its counts in slot_counts_
    std::uint32_t slots = 0;                   ///< State: slot 0 (idle) .. slots - 1; Planes: planes
    const std::uint8_t* slot_value = nullptr;  ///< State: value shown per slot; null: the slot
    std::int64_t level = 0;  ///< Count, State: active intervals; Planes: active planes; Sum, Value
    std::uint64_t max = 0;                     ///< largest value the VCD variable holds
    std::uint64_t last_set_ps = 0;             ///< Value: the latest change queued, and its value
    std::int64_t last_set = 0;
  };
  struct Change {
    std::uint64_t time_ps;
    std::uint64_t payload;  ///< State: slot; Planes: plane mask; Sum: delta (two's complement); Value: value
    int node;
    std::int32_t sign;  ///< Count, State, Planes: +1 opens an interval, -1 closes one
  };
  /// Changes in time order: a radix heap, which needs every change to be at or after the last
  /// time taken out (reports guarantee it). Changes of one time come out in the order they went in.
  class ChangeQueue {
   public:
    void push(const Change& change);
    /// Time of the earliest change; the largest time when empty.
    std::uint64_t next_time() const;
    /// Replaces `out` with the changes of the earliest time.
    void take_earliest(std::vector<Change>& out);
    void clear();

   private:
    static constexpr std::size_t kBuckets = 65;  ///< 0: at last_; b > 0: highest bit differing from last_ is b-1
    std::size_t bucket_of(std::uint64_t time) const;
    std::size_t first_filled() const;  ///< needs filled_ != 0
    std::array<std::vector<Change>, kBuckets> buckets_;
    std::array<std::uint64_t, kBuckets> bucket_min_{};
    std::uint64_t filled_ = 0;  ///< bit b-1 set: bucket b > 0 holds changes
    std::uint64_t last_ = 0;
  };
  /// Consecutive stage_busy reports of one die and stage with equal times (a stream's planes),
  /// gathered into one change; queued once simulated time reaches their start.
  struct StageBatch {
    int node = -1;
    std::uint64_t start = 0, end = 0, planes = 0;
  };
  /// Node indices of each channel, die and plane (-1: not recorded).
  struct ChannelNodes {
    int op = -1, owner = -1;  ///< op drives busy
  };
  struct DieNodes {
    int state = -1, queue = -1, pe_busy = -1, ecc_busy = -1, global_buffer = -1, kv_buffer = -1;
  };
  struct DramChannelNodes {
    int op = -1, bytes = -1;  ///< op drives busy
  };

  /// The signal catalogue of a layout (defined in wave_signals.cpp, next to the value names).
  void declare(const WaveSpec& spec, const TraceLayout& layout);
  int add_node(Kind kind, int var, std::uint64_t max, std::string name, std::uint32_t slots = 0);
  std::size_t die_index(ChannelId channel, DieId die) const;
  std::size_t plane_index(ChannelId channel, DieId die, PlaneId plane) const;

  void push(int node, std::uint64_t time_ps, std::uint64_t payload, std::int32_t sign);
  /// A Sum's delta or a Value's value.
  void schedule(int node, std::uint64_t time_ps, std::int64_t amount);
  /// An interval of a Count, State (payload: slot) or Planes (payload: planes) node.
  void interval(int node, std::uint64_t start_ps, std::uint64_t end_ps, std::uint64_t payload);
  void push_batch(StageBatch& batch);
  [[noreturn]] void reported_too_late(int node, std::uint64_t time_ps) const;
  /// Applies all queued changes strictly before `limit_ps`; writes those after the window start.
  void flush_before(std::uint64_t limit_ps);
  void apply(const Change& change, bool visible);
  void touch(int node, bool visible);
  /// Sets a Count node that another node drives to `active` intervals.
  void set_wire(int wire, std::int64_t active, bool visible);
  /// The value a node shows now; throws std::logic_error when it does not fit its variable.
  std::uint64_t shown(int node, std::uint64_t time_ps) const;
  void write_header();
  void discard_partial();

  std::string path_, partial_path_;
  /// attach_vcd(): the VCD to merge in and its scope (empty path: none attached).
  std::string attached_path_;
  std::string attached_scope_;
  kv_vcd_writer* writer_ = nullptr;
  bool header_written_ = false;
  bool closed_ = false;
  bool want_plane_detail_ = false;
  std::uint64_t start_ps_ = 0;
  std::uint64_t end_limit_ps_ = 0;  ///< changes after this are dropped
  std::uint64_t flushed_ps_ = 0;    ///< changes before this are in the file already
  std::uint64_t final_bytes_ = 0;
  std::uint32_t dies_per_channel_ = 0, planes_per_die_ = 0;

  std::vector<Node> nodes_;
  std::vector<std::string> names_;  ///< per node, for messages
  std::vector<std::int32_t> slot_counts_;
  std::vector<int> slot_wire_;  ///< State, Planes: per slot or plane, the node of its wire (-1: none)
  std::vector<ChannelNodes> channels_;
  std::vector<DieNodes> dies_;
  std::vector<DramChannelNodes> dram_channels_;
  std::vector<int> plane_states_;             ///< per plane (plane detail)
  std::vector<std::uint64_t> plane_kv_fill_;  ///< last fill per plane's KV buffer (compact)
  int npu_op_ = -1;
  int token_ = -1, layer_ = -1, head_group_ = -1, phase_ = -1, soc_kv_buffer_ = -1;
  std::array<std::uint8_t, kPhaseCount> phase_slot_{};        ///< Phase -> slot of dataflow.phase
  std::array<std::uint8_t, kPhaseCount> phase_slot_value_{};  ///< slot -> value shown
  WaveView view_;

  ChangeQueue pending_;
  std::array<StageBatch, 2> stage_batches_;  ///< ECC, PE
  std::vector<Change> group_;                ///< the changes of the time being applied
  std::vector<int> touched_;
};

}  // namespace kvnand
