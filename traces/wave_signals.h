// The waveform's signal catalogue, in one place for the recorder, the GTKWave translate filters
// and the docs (docs/waveforms.md): what each signal shows and the names of enumerated values.
// The signals of a layout are declared by WaveRecorder::declare in wave_signals.cpp.
//
//   flash.channel<C>.busy            1 bit   a bus tenure is active
//   flash.channel<C>.op              4 bits  channel_op: 0 idle, 1 + NandCommand (1 read ... 13 stream_data_out)
//   flash.channel<C>.owner           die of the tenure; dies_per_channel: all dies (broadcast); kept when idle
//   ....die<D>.state                 3 bits  die_state: 0 idle, 1 transfer, 2 read, 3 program, 4 erase, 5 compute
//   ....die<D>.queue                 32 bits requests the controller holds for the die
//   ....die<D>.pe_busy, .ecc_busy    planes whose PEs / ECC work (decode)
//   ....die<D>.global_buffer         bytes waiting in the die's global buffer (decode)
//   ....die<D>.kv_buffer             bytes in its planes' KV buffers (decode, compact variant)
//   ....die<D>.plane<P>.state        3 bits  plane_state: 0 idle, 1 read, 2 cache_copy, 3 program, 4 erase,
//                                            5 compute (plane detail)
//   ....die<D>.plane<P>.ecc, .pe     1 bit   the plane's ECC / PEs work (plane detail, decode)
//   npu.busy, npu.op                 1, 4 bits  npu_op: 0 idle, 1 + NpuOpKind (1 softmax ... 13 argmax)
//   dataflow.token, .layer, .head_group  from the tag of the latest step that names them
//   dataflow.phase                   4 bits  phase: 0 none, 1 + Phase (1 qkv ... 10 transfer)
//   dataflow.phase_<name>            1 bit   a step of that phase is active (every phase but idle)
//   dataflow.kv_buffer               bytes in the SoC's KV write buffer (discrete variant)
//   dram.channel<N>.busy             1 bit   an LPDDR channel moves data (Base-1)
//   dram.channel<N>.op               2 bits  dram_op: 0 idle, 1 read, 2 write
//   dram.channel<N>.bytes            bytes of the access in its data phase, 0 when idle
// Where several values are active at once, a state shows the highest value (die and plane state,
// channel, NPU and DRAM op); dataflow.phase shows the active phase that comes first in kPhasePriority.
// Byte counts are at least kMinByteBits wide; other counts as wide as the layout needs.
//
// Files next to "<dir>/<stem>.vcd": the GTKWave save file "<dir>/<stem>.gtkw" and one translate
// filter per enumeration used, "<dir>/<stem>.filters/<enumeration>.txt" (e.g. die_state.txt),
// each line "<decimal value> <name>".
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/activity_observer.h"
#include "common/flash_transactions.h"
#include "common/phase.h"
#include "npu/npu_spec.h"
#include "vcd_writer.h"

namespace kvnand {

/// What a die shows: its bus transfers and its array's (or compute logic's) work.
enum class DieState : std::uint8_t { Idle = 0, Transfer = 1, Read = 2, Program = 3, Erase = 4, Compute = 5 };
inline constexpr std::size_t kDieStateCount = static_cast<std::size_t>(DieState::Compute) + 1;
inline constexpr std::size_t kPlaneActivityCount = static_cast<std::size_t>(PlaneActivity::Compute) + 1;

/// The array activity a command gives its die; Idle for commands that only use the bus.
DieState array_state(NandCommand command);

/// dataflow.phase: from the highest priority down. The NPU's work and transfers come first because
/// they are short and would otherwise hide under the long in-flash phases they interleave with.
inline constexpr std::array<Phase, kPhaseCount - 1> kPhasePriority = {
    Phase::Softmax, Phase::NpuOther, Phase::Transfer, Phase::Logit,  Phase::Attend,
    Phase::Qkv,     Phase::OProj,    Phase::Ffn,      Phase::LmHead, Phase::KvWrite};

inline constexpr unsigned kStateBits = 3;       ///< die and plane state
inline constexpr unsigned kOpBits = 4;          ///< channel op, NPU op, dataflow phase
inline constexpr unsigned kDramOpBits = 2;      ///< DRAM op: idle, read, write
inline constexpr unsigned kQueueBits = 32;      ///< queue depth (the interface reports 32 bits)
inline constexpr unsigned kMinByteBits = 32;    ///< buffer fills in bytes, at least this wide

/// Bits that hold every value 0..max_value (at least 1).
unsigned bits_for(std::uint64_t max_value);
/// Bits for a byte count up to max_bytes: at least kMinByteBits.
unsigned byte_count_bits(std::uint64_t max_bytes);

enum class WaveEnum : std::uint8_t { ChannelOp, DieState, PlaneState, NpuOp, Phase, DramOp };
inline constexpr std::size_t kWaveEnumCount = static_cast<std::size_t>(WaveEnum::DramOp) + 1;

/// dram.channel<N>.op while an access moves data (0 is idle).
enum class DramOpValue : std::uint8_t { Read = 1, Write = 2 };
inline constexpr std::size_t kDramOpValueCount = static_cast<std::size_t>(DramOpValue::Write) + 1;

/// One enumeration as the waveform shows it.
struct ValueNames {
  const char* name;                 ///< "die_state": the filter file's stem
  std::vector<std::string> values;  ///< values[v] names value v
};
const ValueNames& value_names(WaveEnum which);

/// The signals as the GTKWave save file lists them, top to bottom.
struct WaveView {
  struct Row {
    enum class Kind : std::uint8_t { GroupBegin, GroupEnd, Signal };
    Kind kind = Kind::Signal;
    /// Group label, or the signal's dotted VCD path ("flash.channel0.busy").
    std::string text;
    unsigned width = 1;
    /// Signals shown through this enumeration's translate filter.
    std::optional<WaveEnum> names;
    /// Groups: shown collapsed.
    bool closed = false;
    /// Vectors shown in hexadecimal rather than decimal (packed buses, lane by lane).
    bool hex = false;
  };
  std::vector<Row> rows;
};

/// Declares the VCD's scopes and variables and the save file's groups and rows together, for the
/// scopes that scope patterns select (trace_spec.h). A scope and its group open only when their
/// first variable is declared, so a scope without selected signals does not appear at all.
class WaveDeclarer {
 public:
  WaveDeclarer(kv_vcd_writer* writer, WaveView& view, const std::vector<std::string>& patterns);

  /// A VCD scope (empty: none) and a group of the save file (empty label: none).
  void enter(const std::string& scope, const std::string& group_label, bool closed);
  void leave();
  /// Dotted path of the current scope ("flash.channel0.die1").
  std::string path() const;
  /// Whether the patterns select the current scope (no patterns: everything).
  bool selected();
  /// Declares a variable in the current scope; returns its VCD handle. Throws std::runtime_error.
  int add(const std::string& name, unsigned width, std::optional<WaveEnum> names = std::nullopt);
  int declared() const { return declared_; }
  /// The patterns that selected nothing so far, quoted and separated by ", ".
  std::string unused_patterns() const;

 private:
  struct Level {
    std::string scope, group;
    bool closed, opened;
  };
  void check(int rc) const;

  kv_vcd_writer* writer_;
  WaveView& view_;
  const std::vector<std::string>& patterns_;
  std::vector<bool> pattern_used_;
  std::vector<Level> levels_;
  int declared_ = 0;
};

}  // namespace kvnand
