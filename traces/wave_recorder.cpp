#include "wave_recorder.h"

#include <stdexcept>

namespace kvnand {
namespace {

constexpr std::size_t kErrorTextBytes = 512;
constexpr unsigned kActivityBits = 3;

unsigned bits_for(std::uint64_t values) {
  unsigned bits = 1;
  while ((std::uint64_t{1} << bits) < values) ++bits;
  return bits;
}

}  // namespace

WaveRecorder::WaveRecorder(const std::string& path, const ChannelSpec& channels, const FlashGeometry& geometry)
    : path_(path), dies_per_channel_(channels.dies_per_channel) {
  char error[kErrorTextBytes] = {0};
  writer_ = kv_vcd_open(path.c_str(), "1 ps", error, sizeof error);
  if (writer_ == nullptr) throw std::runtime_error(std::string("cannot write VCD: ") + error);
  declare(channels, geometry);
}

WaveRecorder::~WaveRecorder() { kv_vcd_abort(writer_); }

void WaveRecorder::declare(const ChannelSpec& channels, const FlashGeometry& geometry) {
  const unsigned owner_bits = bits_for(channels.dies_per_channel);
  kv_vcd_push_scope(writer_, "flash");
  for (std::uint32_t c = 0; c < channels.count; ++c) {
    kv_vcd_push_scope(writer_, ("channel" + std::to_string(c)).c_str());
    channels_.push_back({kv_vcd_add_var(writer_, "busy", 1), kv_vcd_add_var(writer_, "activity", kActivityBits),
                         kv_vcd_add_var(writer_, "owner_die", owner_bits)});
    for (std::uint32_t d = 0; d < channels.dies_per_channel; ++d) {
      kv_vcd_push_scope(writer_, ("die" + std::to_string(d)).c_str());
      DieVars die{kv_vcd_add_var(writer_, "array", kActivityBits), {}};
      for (std::uint32_t p = 0; p < geometry.planes_per_die; ++p)
        die.planes.push_back(kv_vcd_add_var(writer_, ("plane" + std::to_string(p)).c_str(), kActivityBits));
      dies_.push_back(std::move(die));
      kv_vcd_pop_scope(writer_);
    }
    kv_vcd_pop_scope(writer_);
  }
  kv_vcd_pop_scope(writer_);
  if (kv_vcd_end_definitions(writer_) != 0)
    throw std::runtime_error("cannot write VCD " + path_ + ": " + kv_vcd_error(writer_));
  const auto vars = static_cast<std::size_t>(dies_.empty() ? 0 : dies_.back().planes.back() + 1);
  latest_.assign(vars, 0);
  is_touched_.assign(vars, false);
}

void WaveRecorder::schedule(int var, std::uint64_t time_ps, std::uint64_t value) {
  pending_.push(Change{time_ps, sequence_++, var, value});
}

void WaveRecorder::interval(int var, const sc_core::sc_time& start, const sc_core::sc_time& end, std::uint64_t value) {
  schedule(var, start.value(), value);
  schedule(var, end.value(), 0);
}

void WaveRecorder::bus_busy(ChannelId channel, DieId owner, BusActivity what, const sc_core::sc_time& start,
                            const sc_core::sc_time& end) {
  const ChannelVars& vars = channels_[channel.value()];
  interval(vars.busy, start, end, 1);
  interval(vars.activity, start, end, static_cast<std::uint64_t>(what));
  // The owner keeps its last value while the bus is idle; busy says whether it is meaningful.
  schedule(vars.owner, start.value(), owner.value());
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::array_busy(ChannelId channel, DieId die, PlaneMask planes, ArrayActivity what,
                              const sc_core::sc_time& start, const sc_core::sc_time& end) {
  const DieVars& vars = dies_[channel.value() * dies_per_channel_ + die.value()];
  const auto value = static_cast<std::uint64_t>(what);
  interval(vars.array, start, end, value);
  planes.for_each([&](PlaneId plane) { interval(vars.planes[plane.value()], start, end, value); });
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::flush_before(std::uint64_t limit_ps) {
  while (!pending_.empty() && pending_.top().time_ps < limit_ps) {
    // Of several changes of one var at one time only the last reported one is real.
    const std::uint64_t time = pending_.top().time_ps;
    while (!pending_.empty() && pending_.top().time_ps == time) {
      const Change& change = pending_.top();
      latest_[change.var] = change.value;
      if (!is_touched_[change.var]) {
        is_touched_[change.var] = true;
        touched_.push_back(change.var);
      }
      pending_.pop();
    }
    for (int var : touched_) {
      kv_vcd_change(writer_, time, var, latest_[var]);
      is_touched_[var] = false;
    }
    touched_.clear();
  }
}

void WaveRecorder::close(const sc_core::sc_time& end) {
  flush_before(end.value() + 1);
  const int status = kv_vcd_close(writer_, end.value());
  writer_ = nullptr;
  if (status != 0) throw std::runtime_error("VCD " + path_ + " could not be written completely");
}

}  // namespace kvnand
