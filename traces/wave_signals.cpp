#include "wave_signals.h"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

#include "trace_spec.h"
#include "wave_recorder.h"

namespace kvnand {
namespace {

static_assert(kNandCommandCount + 1 <= (1u << kOpBits), "channel op values must fit kOpBits");
static_assert(kNpuOpKindCount + 1 <= (1u << kOpBits), "NPU op values must fit kOpBits");
static_assert(kPhaseCount <= (1u << kOpBits), "phase values (idle excluded, none added) must fit kOpBits");
static_assert(static_cast<std::size_t>(Phase::Idle) + 1 == kPhaseCount,
              "idle is the last phase: the waveform omits it");
static_assert(kDieStateCount <= (1u << kStateBits) && kPlaneActivityCount <= (1u << kStateBits),
              "states must fit kStateBits");
static_assert(kDramOpValueCount <= (1u << kDramOpBits), "DRAM op values must fit kDramOpBits");

constexpr const char* kIdle = "idle";
/// With more dies shown than this, each die's group starts collapsed.
constexpr std::uint32_t kMaxOpenDieGroups = 4;

std::uint64_t max_of(unsigned bits) {
  return bits >= std::numeric_limits<std::uint64_t>::digits ? std::numeric_limits<std::uint64_t>::max()
                                                            : (std::uint64_t{1} << bits) - 1;
}

ValueNames build(WaveEnum which) {
  switch (which) {
    case WaveEnum::ChannelOp: {
      ValueNames names{"channel_op", {kIdle}};
      for (std::size_t c = 0; c < kNandCommandCount; ++c)
        names.values.emplace_back(to_string(static_cast<NandCommand>(c)));
      return names;
    }
    case WaveEnum::DieState:
      return {"die_state", {kIdle, "transfer", "read", "program", "erase", "compute"}};
    case WaveEnum::PlaneState:
      return {"plane_state", {kIdle, "read", "cache_copy", "program", "erase", "compute"}};
    case WaveEnum::NpuOp: {
      ValueNames names{"npu_op", {kIdle}};
      for (NpuOpKind kind : kAllNpuOpKinds) names.values.emplace_back(to_string(kind));
      return names;
    }
    case WaveEnum::Phase: {
      ValueNames names{"phase", {"none"}};
      for (std::size_t p = 0; p + 1 < kPhaseCount; ++p) names.values.emplace_back(to_string(static_cast<Phase>(p)));
      return names;
    }
    case WaveEnum::DramOp:
      return {"dram_op", {kIdle, "read", "write"}};
  }
  return {"", {}};
}

}  // namespace

DieState array_state(NandCommand command) {
  switch (command) {
    case NandCommand::Read:
    case NandCommand::CacheReadNext:
    case NandCommand::CacheReadLast:
    case NandCommand::StreamRead:
    case NandCommand::StreamDataOut:  // its array part: registers holding pages until the bus drains them
      return DieState::Read;
    case NandCommand::Program:
    case NandCommand::IfcProgram:
      return DieState::Program;
    case NandCommand::Erase:
      return DieState::Erase;
    case NandCommand::IfcCompute:
      return DieState::Compute;
    case NandCommand::DataOut:
    case NandCommand::IfcBroadcast:
    case NandCommand::IfcInput:
    case NandCommand::IfcReadout:
      break;
  }
  return DieState::Idle;
}

unsigned bits_for(std::uint64_t max_value) {
  unsigned bits = 1;
  while (bits < std::numeric_limits<std::uint64_t>::digits && (max_value >> bits) != 0) ++bits;
  return bits;
}

unsigned byte_count_bits(std::uint64_t max_bytes) {
  const unsigned bits = bits_for(max_bytes);
  return bits < kMinByteBits ? kMinByteBits : bits;
}

const ValueNames& value_names(WaveEnum which) {
  // Built once, read-only afterwards.
  static const std::array<ValueNames, kWaveEnumCount> kTables = {
      build(WaveEnum::ChannelOp), build(WaveEnum::DieState), build(WaveEnum::PlaneState), build(WaveEnum::NpuOp),
      build(WaveEnum::Phase),     build(WaveEnum::DramOp)};
  return kTables[static_cast<std::size_t>(which)];
}

WaveDeclarer::WaveDeclarer(kv_vcd_writer* writer, WaveView& view, const std::vector<std::string>& patterns)
    : writer_(writer), view_(view), patterns_(patterns), pattern_used_(patterns.size(), false) {}

void WaveDeclarer::enter(const std::string& scope, const std::string& group_label, bool closed) {
  levels_.push_back({scope, group_label, closed, false});
}

void WaveDeclarer::leave() {
  const Level level = std::move(levels_.back());
  levels_.pop_back();
  if (!level.opened) return;
  if (!level.scope.empty()) check(kv_vcd_pop_scope(writer_));
  if (!level.group.empty())
    view_.rows.push_back({WaveView::Row::Kind::GroupEnd, level.group, 1, std::nullopt, level.closed});
}

std::string WaveDeclarer::path() const {
  std::string p;
  for (const Level& level : levels_)
    if (!level.scope.empty()) p += (p.empty() ? "" : ".") + level.scope;
  return p;
}

bool WaveDeclarer::selected() {
  if (patterns_.empty()) return true;
  const std::string here = path();
  bool any = false;
  for (std::size_t i = 0; i < patterns_.size(); ++i)
    if (scope_pattern_selects(patterns_[i], here)) any = pattern_used_[i] = true;
  return any;
}

int WaveDeclarer::add(const std::string& name, unsigned width, std::optional<WaveEnum> names) {
  for (Level& level : levels_) {
    if (level.opened) continue;
    level.opened = true;
    if (!level.scope.empty()) check(kv_vcd_push_scope(writer_, level.scope.c_str()));
    if (!level.group.empty())
      view_.rows.push_back({WaveView::Row::Kind::GroupBegin, level.group, 1, std::nullopt, level.closed});
  }
  const int var = kv_vcd_add_var(writer_, name.c_str(), width);
  check(var);
  view_.rows.push_back({WaveView::Row::Kind::Signal, path() + "." + name, width, names, false});
  ++declared_;
  return var;
}

std::string WaveDeclarer::unused_patterns() const {
  std::string list;
  for (std::size_t i = 0; i < patterns_.size(); ++i)
    if (!pattern_used_[i]) list += (list.empty() ? "\"" : ", \"") + patterns_[i] + "\"";
  return list;
}

void WaveDeclarer::check(int rc) const {
  if (rc < 0) throw std::runtime_error(std::string("cannot declare VCD signals: ") + kv_vcd_error(writer_));
}

// The recorder's signal catalogue lives here, next to the value names, so that the two agree.
void WaveRecorder::declare(const WaveSpec& spec, const TraceLayout& layout) {
  WaveDeclarer d(writer_, view_, spec.scopes);
  // A shown signal: a VCD variable and its node.
  auto shown_node = [&](Kind kind, const std::string& name, unsigned width, std::optional<WaveEnum> names = {},
                        std::uint32_t slots = 0) {
    const int var = d.add(name, width, names);
    return add_node(kind, var, max_of(width), d.path() + "." + name, slots);
  };
  std::set<std::string> die_groups;
  bool planes_shown = false;
  const unsigned plane_count_bits = bits_for(layout.planes_per_die);

  channels_.assign(layout.channels, {});
  dies_.assign(std::size_t{layout.channels} * layout.dies_per_channel, {});
  if (spec.plane_detail) plane_states_.assign(dies_.size() * layout.planes_per_die, -1);
  d.enter("flash", "", false);
  for (std::uint32_t c = 0; c < layout.channels; ++c) {
    const std::string channel = "channel" + std::to_string(c);
    d.enter(channel, "flash." + channel, false);
    if (d.selected()) {
      ChannelNodes& n = channels_[c];
      const int busy = shown_node(Kind::Count, "busy", 1);
      n.op = shown_node(Kind::State, "op", kOpBits, WaveEnum::ChannelOp, kNandCommandCount + 1);
      nodes_[static_cast<std::size_t>(n.op)].any_wire = busy;
      n.owner = shown_node(Kind::Value, "owner", bits_for(layout.dies_per_channel));
    }
    for (std::uint32_t die = 0; die < layout.dies_per_channel; ++die) {
      const std::string die_name = "die" + std::to_string(die);
      const std::string die_group = *die_groups.insert(d.path() + "." + die_name).first;
      d.enter(die_name, die_group, false);
      DieNodes& n = dies_[std::size_t{c} * layout.dies_per_channel + die];
      const bool die_shown = d.selected();
      if (die_shown) {
        n.state = shown_node(Kind::State, "state", kStateBits, WaveEnum::DieState, kDieStateCount);
        n.queue = shown_node(Kind::Value, "queue", kQueueBits);
      }
      if (layout.decode) {
        // Counted per plane in one node per stage: shown as the die's count, or hidden when only
        // the planes' wires show.
        const std::string prefix = d.path() + ".";
        n.pe_busy = die_shown ? shown_node(Kind::Planes, "pe_busy", plane_count_bits, {}, layout.planes_per_die)
                              : add_node(Kind::Planes, -1, 0, prefix + "pe_busy", layout.planes_per_die);
        n.ecc_busy = die_shown ? shown_node(Kind::Planes, "ecc_busy", plane_count_bits, {}, layout.planes_per_die)
                               : add_node(Kind::Planes, -1, 0, prefix + "ecc_busy", layout.planes_per_die);
      }
      if (die_shown && layout.decode) {
        n.global_buffer = shown_node(Kind::Sum, "global_buffer", byte_count_bits(layout.global_buffer_bytes));
        if (layout.kv_buffer_on_dies)
          n.kv_buffer = shown_node(Kind::Sum, "kv_buffer",
                                   byte_count_bits(std::uint64_t{layout.planes_per_die} * layout.kv_buffer_bytes));
      }
      bool wires = false;
      // The die's planes sit in one collapsed group.
      if (spec.plane_detail) d.enter("", die_group + ".plane*", true);
      for (std::uint32_t p = 0; p < layout.planes_per_die && spec.plane_detail; ++p) {
        const std::string plane_name = "plane" + std::to_string(p);
        d.enter(plane_name, d.path() + "." + plane_name, false);
        if (d.selected()) {
          planes_shown = true;
          plane_states_[(std::size_t{c} * layout.dies_per_channel + die) * layout.planes_per_die + p] =
              shown_node(Kind::State, "state", kStateBits, WaveEnum::PlaneState, kPlaneActivityCount);
          for (const auto& [stage, name] : {std::pair{n.ecc_busy, "ecc"}, std::pair{n.pe_busy, "pe"}}) {
            if (stage < 0) continue;
            const int wire = shown_node(Kind::Count, name, 1);
            slot_wire_[nodes_[static_cast<std::size_t>(stage)].first_slot + p] = wire;
          }
          wires = wires || layout.decode;
        }
        d.leave();
      }
      if (spec.plane_detail) d.leave();
      if (!die_shown && !wires) n.pe_busy = n.ecc_busy = -1;  // nothing shows them
      want_plane_detail_ = want_plane_detail_ || n.pe_busy >= 0 || planes_shown;
      d.leave();
    }
    d.leave();
  }
  d.leave();
  if (layout.kv_buffer_on_dies) plane_kv_fill_.assign(dies_.size() * layout.planes_per_die, 0);
  // Many dies shown: their groups start collapsed so that the channels fit on one screen.
  const auto is_die_group = [&die_groups](const WaveView::Row& row) {
    return row.kind != WaveView::Row::Kind::Signal && die_groups.count(row.text) != 0;
  };
  const auto shown_dies = std::count_if(view_.rows.begin(), view_.rows.end(), is_die_group) / 2;
  // The first die shown stays open, so that a die's signals are on the first screen.
  const std::string* first_die = nullptr;
  for (WaveView::Row& row : view_.rows) {
    if (!is_die_group(row)) continue;
    if (first_die == nullptr) first_die = &row.text;
    row.closed = shown_dies > static_cast<std::ptrdiff_t>(kMaxOpenDieGroups) && row.text != *first_die;
  }

  if (layout.decode) {
    d.enter("npu", "npu", false);
    if (d.selected()) {
      const int busy = shown_node(Kind::Count, "busy", 1);
      npu_op_ = shown_node(Kind::State, "op", kOpBits, WaveEnum::NpuOp, kNpuOpKindCount + 1);
      nodes_[static_cast<std::size_t>(npu_op_)].any_wire = busy;
    }
    d.leave();
    d.enter("dataflow", "dataflow", false);
    if (d.selected()) {
      // Slots rise with priority; each shows 1 + its phase.
      for (std::size_t rank = 0; rank < kPhasePriority.size(); ++rank) {
        const auto slot = static_cast<std::uint8_t>(kPhasePriority.size() - rank);
        phase_slot_[static_cast<std::size_t>(kPhasePriority[rank])] = slot;
        phase_slot_value_[slot] = static_cast<std::uint8_t>(1 + static_cast<unsigned>(kPhasePriority[rank]));
      }
      phase_ = shown_node(Kind::State, "phase", kOpBits, WaveEnum::Phase, kPhaseCount);
      nodes_[static_cast<std::size_t>(phase_)].slot_value = phase_slot_value_.data();
      token_ = shown_node(Kind::Value, "token", bits_for(layout.max_token));
      layer_ = shown_node(Kind::Value, "layer", bits_for(layout.layers > 0 ? layout.layers - 1 : 0));
      head_group_ = shown_node(Kind::Value, "head_group", bits_for(layout.kv_heads > 0 ? layout.kv_heads - 1 : 0));
      if (!layout.kv_buffer_on_dies)
        soc_kv_buffer_ = shown_node(Kind::Value, "kv_buffer", byte_count_bits(layout.kv_buffer_bytes));
      d.enter("", "dataflow.phase_*", true);
      for (std::size_t p = 0; p + 1 < kPhaseCount; ++p) {
        const int wire = shown_node(Kind::Count, std::string("phase_") + to_string(static_cast<Phase>(p)), 1);
        slot_wire_[nodes_[static_cast<std::size_t>(phase_)].first_slot + phase_slot_[p]] = wire;
      }
      d.leave();
    }
    d.leave();
  }
  // The DRAM's channels in one open group, which lands below the dataflow.
  dram_channels_.assign(layout.dram_channels, {});
  d.enter("dram", "dram", false);
  for (std::uint32_t c = 0; c < layout.dram_channels; ++c) {
    d.enter("channel" + std::to_string(c), "", false);
    if (d.selected()) {
      DramChannelNodes& n = dram_channels_[c];
      const int busy = shown_node(Kind::Count, "busy", 1);
      n.op = shown_node(Kind::State, "op", kDramOpBits, WaveEnum::DramOp, kDramOpValueCount);
      nodes_[static_cast<std::size_t>(n.op)].any_wire = busy;
      n.bytes = shown_node(Kind::Sum, "bytes", byte_count_bits(layout.dram_channel_bytes));
    }
    d.leave();
  }
  d.leave();
  // GTKWave shows the NPU, the dataflow and the DRAM (a few rows) above the flash (many), so that
  // every kind is on the first screen.
  std::stable_partition(view_.rows.begin(), view_.rows.end(),
                        [](const WaveView::Row& row) { return row.text.rfind("flash", 0) != 0; });

  if (d.declared() == 0) {
    const std::string last_channel = "flash.channel" + std::to_string(layout.channels - 1);
    const std::string last_die = last_channel + ".die" + std::to_string(layout.dies_per_channel - 1);
    std::string paths = "flash, flash.channel0 .. " + last_channel + ", flash.channel0.die0 .. " + last_die +
                        ", flash.channel0.die0.plane0 .. " + last_die + ".plane" +
                        std::to_string(layout.planes_per_die - 1) + " (with plane detail)";
    if (layout.decode) paths += ", npu, dataflow";
    if (layout.dram_channels > 0)
      paths += ", dram, dram.channel0 .. dram.channel" + std::to_string(layout.dram_channels - 1);
    throw std::runtime_error(path_ + ": the VCD scope patterns select no signal (" + d.unused_patterns() +
                             " match nothing); scope paths here: " + paths);
  }
}

}  // namespace kvnand
