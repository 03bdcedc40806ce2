#include "wave_recorder.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "gtkwave_files.h"
#include "vcd_merge.h"

namespace kvnand {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kErrorTextBytes = 512;
constexpr const char* kTimescale = "1 ps";
constexpr const char* kPartialSuffix = ".partial";
constexpr std::uint64_t kNoTime = std::numeric_limits<std::uint64_t>::max();
/// Room for a merge failure's message (file, line and reason).
constexpr std::size_t kMergeErrorBytes = 512;

/// Index of the lowest set bit (bits != 0).
unsigned lowest_bit(std::uint64_t bits) {
#if defined(__GNUC__)
  return static_cast<unsigned>(__builtin_ctzll(bits));
#else
  unsigned i = 0;
  while ((bits & 1u) == 0) bits >>= 1, ++i;
  return i;
#endif
}

}  // namespace

WaveRecorder::WaveRecorder(const WaveSpec& spec, const TraceLayout& layout)
    : path_(spec.vcd_file),
      partial_path_(spec.vcd_file + kPartialSuffix),
      end_limit_ps_(spec.window && spec.window->end ? spec.window->end->value() : kNoTime),
      dies_per_channel_(layout.dies_per_channel),
      planes_per_die_(layout.planes_per_die) {
  if (path_.empty()) throw std::runtime_error("waveform: no VCD file named");
  if (spec.window) start_ps_ = spec.window->start.value();
  char error[kErrorTextBytes] = {0};
  writer_ = kv_vcd_open(partial_path_.c_str(), kTimescale, error, sizeof error);
  if (writer_ == nullptr) {
    // The writer names the temporary file; the user named the VCD.
    std::string reason = error;
    if (reason.rfind(partial_path_, 0) == 0) reason = path_ + reason.substr(partial_path_.size());
    throw std::runtime_error("cannot write VCD " + reason);
  }
  try {
    declare(spec, layout);
  } catch (...) {
    discard_partial();
    throw;
  }
}

void WaveRecorder::attach_vcd(const std::string& vcd_path, const std::string& scope, std::vector<WaveView::Row> rows) {
  attached_path_ = vcd_path;
  attached_scope_ = scope;
  for (WaveView::Row& row : rows) view_.rows.push_back(std::move(row));
}

void WaveRecorder::merge_attached(std::uint64_t close_ps) {
  if (attached_path_.empty()) return;
  std::array<char, kMergeErrorBytes> error{};
  const int status = kv_vcd_merge(partial_path_.c_str(), attached_path_.c_str(), attached_scope_.c_str(), start_ps_,
                                  close_ps != kNoTime, close_ps, partial_path_.c_str(), error.data(), error.size());
  std::remove(attached_path_.c_str());
  attached_path_.clear();
  if (status != 0) throw std::runtime_error("cannot merge the RTL waveform into " + path_ + ": " + error.data());
}

WaveRecorder::~WaveRecorder() {
  if (closed_) return;
  discard_partial();
  if (!attached_path_.empty()) std::remove(attached_path_.c_str());
}

void WaveRecorder::discard_partial() {
  kv_vcd_abort(writer_);
  writer_ = nullptr;
  std::error_code ignored;
  fs::remove(partial_path_, ignored);
}

int WaveRecorder::add_node(Kind kind, int var, std::uint64_t max, std::string name, std::uint32_t slots) {
  Node node;
  node.kind = kind;
  node.var = var;
  node.max = max;
  node.slots = slots;
  node.first_slot = static_cast<std::uint32_t>(slot_counts_.size());
  slot_counts_.resize(slot_counts_.size() + slots, 0);
  slot_wire_.resize(slot_counts_.size(), -1);
  nodes_.push_back(node);
  names_.push_back(std::move(name));
  return static_cast<int>(nodes_.size() - 1);
}

std::size_t WaveRecorder::die_index(ChannelId channel, DieId die) const {
  return std::size_t{channel.value()} * dies_per_channel_ + die.value();
}

std::size_t WaveRecorder::plane_index(ChannelId channel, DieId die, PlaneId plane) const {
  return die_index(channel, die) * planes_per_die_ + plane.value();
}

void WaveRecorder::push(int node, std::uint64_t time_ps, std::uint64_t payload, std::int32_t sign) {
  if (node < 0 || writer_ == nullptr || time_ps > end_limit_ps_) return;
  if (time_ps < flushed_ps_) reported_too_late(node, time_ps);
  pending_.push(Change{time_ps, payload, node, sign});
}

void WaveRecorder::schedule(int node, std::uint64_t time_ps, std::int64_t amount) {
  if (node < 0) return;
  // Skip what changes nothing: a zero delta, or a value equal to the latest one queued.
  Node& n = nodes_[static_cast<std::size_t>(node)];
  if (n.kind == Kind::Sum ? amount == 0 : time_ps >= n.last_set_ps && amount == n.last_set) return;
  if (n.kind == Kind::Value && time_ps >= n.last_set_ps) {
    n.last_set_ps = time_ps;
    n.last_set = amount;
  }
  push(node, time_ps, static_cast<std::uint64_t>(amount), 1);
}

void WaveRecorder::interval(int node, std::uint64_t start_ps, std::uint64_t end_ps, std::uint64_t payload) {
  if (node < 0 || end_ps <= start_ps) return;
  push(node, start_ps, payload, 1);
  push(node, end_ps, payload, -1);
}

void WaveRecorder::push_batch(StageBatch& batch) {
  interval(batch.node, batch.start, batch.end, batch.planes);
  batch.node = -1;
}

void WaveRecorder::reported_too_late(int node, std::uint64_t time_ps) const {
  throw std::logic_error("waveform: " + names_[static_cast<std::size_t>(node)] + " changes at " +
                         std::to_string(time_ps) + " ps, reported at " + std::to_string(flushed_ps_) +
                         " ps: activity must be reported no later than it starts");
}

void WaveRecorder::command(const CommandRecord& record) {
  const ChannelNodes& channel = channels_[record.channel.value()];
  const std::uint64_t bus_start = record.bus_start.value(), bus_end = record.bus_end.value();
  interval(channel.op, bus_start, bus_end, 1 + static_cast<std::uint64_t>(record.command));  // and busy
  // The owner keeps its value while the bus is idle; busy says whether it is current.
  schedule(channel.owner, bus_start, record.all_dies ? dies_per_channel_ : record.die.value());
  const DieState array = array_state(record.command);
  const std::uint32_t first = record.all_dies ? 0 : record.die.value();
  const std::uint32_t last = record.all_dies ? dies_per_channel_ - 1 : first;
  for (std::uint32_t d = first; d <= last; ++d) {
    const int state = dies_[die_index(record.channel, DieId(d))].state;
    interval(state, bus_start, bus_end, static_cast<std::uint64_t>(DieState::Transfer));
    if (array != DieState::Idle)
      interval(state, record.array_start.value(), record.array_end.value(), static_cast<std::uint64_t>(array));
  }
  flush_before(sc_core::sc_time_stamp().value());
}

bool WaveRecorder::wants_plane_detail() const { return want_plane_detail_; }

void WaveRecorder::plane_busy(ChannelId channel, DieId die, PlaneMask planes, PlaneActivity what,
                              const sc_core::sc_time& start, const sc_core::sc_time& end) {
  if (what != PlaneActivity::Idle && !plane_states_.empty())
    planes.for_each([&](PlaneId plane) {
      interval(plane_states_[plane_index(channel, die, plane)], start.value(), end.value(),
               static_cast<std::uint64_t>(what));
    });
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::stage_busy(ChannelId channel, DieId die, PlaneMask planes, PipelineStage stage,
                              const sc_core::sc_time& start, const sc_core::sc_time& end) {
  const DieNodes& nodes = dies_[die_index(channel, die)];
  const int node = stage == PipelineStage::Ecc ? nodes.ecc_busy : stage == PipelineStage::Pe ? nodes.pe_busy : -1;
  if (node >= 0 && start < end) {
    StageBatch& batch = stage_batches_[stage == PipelineStage::Ecc ? 0 : 1];
    const std::uint64_t bits = planes.bits();
    if (batch.node == node && batch.start == start.value() && batch.end == end.value() && (batch.planes & bits) == 0) {
      batch.planes |= bits;
    } else {
      push_batch(batch);
      batch = StageBatch{node, start.value(), end.value(), bits};
    }
  }
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::queue_depth(ChannelId channel, DieId die, std::uint32_t requests) {
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  schedule(dies_[die_index(channel, die)].queue, now, requests);
  flush_before(now);
}

void WaveRecorder::global_buffer(ChannelId channel, DieId die, std::int64_t delta_bytes, const sc_core::sc_time& at) {
  schedule(dies_[die_index(channel, die)].global_buffer, at.value(), delta_bytes);
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::kv_buffer(bool on_die, ChannelId channel, DieId die, PlaneId plane, std::uint64_t fill_bytes) {
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  if (!on_die) {
    schedule(soc_kv_buffer_, now, static_cast<std::int64_t>(fill_bytes));
  } else if (const int node = dies_[die_index(channel, die)].kv_buffer; node >= 0) {
    // The die shows the sum over its planes: add the change of this plane's fill.
    std::uint64_t& last = plane_kv_fill_[plane_index(channel, die, plane)];
    schedule(node, now, static_cast<std::int64_t>(fill_bytes) - static_cast<std::int64_t>(last));
    last = fill_bytes;
  }
  flush_before(now);
}

void WaveRecorder::npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
                          const CommandTag&) {
  interval(npu_op_, start.value(), end.value(), 1 + static_cast<std::uint64_t>(kind));  // and busy
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::phase_begin(const CommandTag& tag) {
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  if (tag.token) schedule(token_, now, static_cast<std::int64_t>(*tag.token));
  if (tag.layer) schedule(layer_, now, *tag.layer);
  if (tag.head) schedule(head_group_, now, *tag.head);
  if (tag.phase && *tag.phase != Phase::Idle) push(phase_, now, phase_slot_[static_cast<std::size_t>(*tag.phase)], 1);
  flush_before(now);
}

void WaveRecorder::phase_end(const CommandTag& tag, const sc_core::sc_time&) {
  const std::uint64_t now = sc_core::sc_time_stamp().value();
  if (tag.phase && *tag.phase != Phase::Idle) push(phase_, now, phase_slot_[static_cast<std::size_t>(*tag.phase)], -1);
  flush_before(now);
}

void WaveRecorder::dram_access(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                               const sc_core::sc_time& end, const CommandTag&) {
  if (channel >= dram_channels_.size())
    throw std::out_of_range("waveform: DRAM channel " + std::to_string(channel) + " outside the " +
                            std::to_string(dram_channels_.size()) + " DRAM channels of the platform");
  const DramChannelNodes& n = dram_channels_[channel];
  const DramOpValue op = write ? DramOpValue::Write : DramOpValue::Read;
  interval(n.op, start.value(), end.value(), static_cast<std::uint64_t>(op));  // and busy
  // Added and taken away: an access that ends as the next one starts hands over in one change.
  if (end > start) {
    schedule(n.bytes, start.value(), static_cast<std::int64_t>(bytes));
    schedule(n.bytes, end.value(), -static_cast<std::int64_t>(bytes));
  }
  flush_before(sc_core::sc_time_stamp().value());
}

void WaveRecorder::touch(int node, bool visible) {
  Node& n = nodes_[static_cast<std::size_t>(node)];
  if (!visible || n.var < 0 || n.touched) return;
  n.touched = true;
  touched_.push_back(node);
}

void WaveRecorder::set_wire(int wire, std::int64_t active, bool visible) {
  if (wire < 0) return;
  nodes_[static_cast<std::size_t>(wire)].level = active;
  touch(wire, visible);
}

void WaveRecorder::apply(const Change& change, bool visible) {
  Node& n = nodes_[static_cast<std::size_t>(change.node)];
  switch (n.kind) {
    case Kind::Count:
      n.level += change.sign;
      break;
    case Kind::State: {
      const std::size_t slot = n.first_slot + change.payload;
      slot_counts_[slot] += change.sign;
      n.level += change.sign;
      set_wire(slot_wire_[slot], slot_counts_[slot], visible);
      set_wire(n.any_wire, n.level, visible);
      break;
    }
    case Kind::Planes:
      // The die counts a plane once however many of its intervals overlap; its wire follows.
      for (std::uint64_t planes = change.payload; planes != 0; planes &= planes - 1) {
        const std::size_t slot = n.first_slot + lowest_bit(planes);
        const bool was_active = slot_counts_[slot] > 0;
        slot_counts_[slot] += change.sign;
        if (was_active == (slot_counts_[slot] > 0)) continue;
        n.level += was_active ? -1 : 1;
        set_wire(slot_wire_[slot], slot_counts_[slot], visible);
      }
      break;
    case Kind::Sum:
      n.level += static_cast<std::int64_t>(change.payload);
      break;
    case Kind::Value:
      n.level = static_cast<std::int64_t>(change.payload);
      break;
  }
  touch(change.node, visible);
}

std::uint64_t WaveRecorder::shown(int node, std::uint64_t time_ps) const {
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  switch (n.kind) {
    case Kind::Count:
      return n.level > 0 ? 1 : 0;
    case Kind::State:
      for (std::uint32_t slot = n.slots; slot-- > 1;)
        if (slot_counts_[n.first_slot + slot] > 0) return n.slot_value != nullptr ? n.slot_value[slot] : slot;
      return 0;
    case Kind::Planes:
    case Kind::Sum:
    case Kind::Value:
      break;
  }
  if (n.level < 0 || static_cast<std::uint64_t>(n.level) > n.max)
    throw std::logic_error("waveform: " + names_[static_cast<std::size_t>(node)] + " would show " +
                           std::to_string(n.level) + " at " + std::to_string(time_ps) + " ps; it holds 0.." +
                           std::to_string(n.max));
  return static_cast<std::uint64_t>(n.level);
}

void WaveRecorder::write_header() {
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i].var >= 0) kv_vcd_set_initial(writer_, nodes_[i].var, shown(static_cast<int>(i), start_ps_));
  if (kv_vcd_end_definitions_at(writer_, start_ps_) != 0)
    throw std::runtime_error("cannot write VCD " + partial_path_ + ": " + kv_vcd_error(writer_));
  header_written_ = true;
}

void WaveRecorder::flush_before(std::uint64_t limit_ps) {
  if (writer_ == nullptr) return;  // closed: reports after close() are ignored
  for (StageBatch& batch : stage_batches_)
    if (batch.node >= 0 && batch.start < limit_ps) push_batch(batch);
  flushed_ps_ = std::max(flushed_ps_, limit_ps);
  while (pending_.next_time() < limit_ps) {
    const std::uint64_t time = pending_.next_time();
    // Up to the window's start only the state advances; $dumpvars shows it at the start.
    const bool visible = time > start_ps_;
    if (visible && !header_written_) write_header();
    pending_.take_earliest(group_);
    for (const Change& change : group_) apply(change, visible);
    for (int node : touched_) {
      Node& n = nodes_[static_cast<std::size_t>(node)];
      n.touched = false;
      kv_vcd_change(writer_, time, n.var, shown(node, time));
    }
    touched_.clear();
  }
}

void WaveRecorder::close(const sc_core::sc_time& end) {
  if (closed_) return;
  closed_ = true;
  const std::uint64_t close_ps = std::min<std::uint64_t>(end.value(), end_limit_ps_);
  try {
    flush_before(close_ps == kNoTime ? close_ps : close_ps + 1);
    pending_.clear();
    if (!header_written_) write_header();
    const std::string write_error = kv_vcd_error(writer_);
    const int status = kv_vcd_close(writer_, close_ps);
    writer_ = nullptr;
    if (status != 0)
      throw std::runtime_error("VCD " + path_ + " could not be written completely" +
                               (write_error.empty() ? std::string() : ": " + write_error));
    merge_attached(close_ps);
    const std::vector<std::string> companions = write_gtkwave_files(path_, view_, start_ps_, close_ps);
    std::error_code ec;
    fs::rename(partial_path_, path_, ec);
    if (ec) {
      remove_files(companions);
      throw std::runtime_error("cannot rename " + partial_path_ + " to " + path_ + ": " + ec.message());
    }
    final_bytes_ = fs::file_size(path_, ec);
  } catch (...) {
    discard_partial();
    if (!attached_path_.empty()) std::remove(attached_path_.c_str());
    throw;
  }
}

std::uint64_t WaveRecorder::vcd_bytes() const {
  return writer_ != nullptr ? kv_vcd_bytes_written(writer_) : final_bytes_;
}

std::size_t WaveRecorder::ChangeQueue::bucket_of(std::uint64_t time) const {
  if (time == last_) return 0;
  const std::uint64_t differing = time ^ last_;
#if defined(__GNUC__)
  return kBuckets - 1 - static_cast<std::size_t>(__builtin_clzll(differing));
#else
  std::size_t bucket = 0;
  for (std::uint64_t bits = differing; bits != 0; bits >>= 1) ++bucket;
  return bucket;
#endif
}

std::size_t WaveRecorder::ChangeQueue::first_filled() const { return 1 + lowest_bit(filled_); }

void WaveRecorder::ChangeQueue::push(const Change& change) {
  const std::size_t b = bucket_of(change.time_ps);
  buckets_[b].push_back(change);
  if (b == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (b - 1);
  if ((filled_ & bit) == 0 || change.time_ps < bucket_min_[b]) bucket_min_[b] = change.time_ps;
  filled_ |= bit;
}

std::uint64_t WaveRecorder::ChangeQueue::next_time() const {
  if (!buckets_[0].empty()) return last_;
  // The first filled bucket holds the earliest changes.
  return filled_ == 0 ? kNoTime : bucket_min_[first_filled()];
}

void WaveRecorder::ChangeQueue::take_earliest(std::vector<Change>& out) {
  out.clear();
  if (buckets_[0].empty() && filled_ != 0) {
    // Advance to the earliest time and spread its bucket over the lower ones, keeping the order.
    const std::size_t b = first_filled();
    last_ = bucket_min_[b];
    filled_ &= ~(std::uint64_t{1} << (b - 1));
    std::vector<Change> moving;
    moving.swap(buckets_[b]);
    for (const Change& change : moving) push(change);
    moving.clear();
    buckets_[b].swap(moving);  // keeps the capacity
  }
  out.swap(buckets_[0]);
}

void WaveRecorder::ChangeQueue::clear() {
  for (std::vector<Change>& bucket : buckets_) bucket.clear();
  filled_ = 0;
}

}  // namespace kvnand
