#include "command_timeline.h"

#include <algorithm>
#include <stdexcept>

#include "kvnand/version.h"
#include "timeline_lanes.h"

namespace kvnand {
namespace {

/// Room for a CSV row or a trace event besides its names: at most nine numbers, a plane list,
/// and fixed keys and separators (under 200 characters).
constexpr std::size_t kLineBytes = 9 * TextCursor::kMaxMicrosText + TextCursor::kMaxPlaneText + 256;
constexpr std::uint32_t kFlashPid = 1;
constexpr std::uint32_t kSocPid = 2;
constexpr std::uint32_t kDramPid = 3;
/// Trace-event metadata events carry a thread id; process-level ones use 0.
constexpr std::uint32_t kProcessTid = 0;

/// DRAM rows: their op by kDramRead / kDramWrite, and their die column.
constexpr std::array<std::string_view, 2> kDramCsvOps = {"dram_read", "dram_write"};
constexpr std::array<std::string_view, 2> kDramSliceNames = {"read", "write"};
constexpr std::string_view kDramDie = "dram";

constexpr std::string_view kCsvHeader =
    "issue_ps,start_ps,end_ps,bus_start_ps,bus_end_ps,array_start_ps,array_end_ps,channel,die,planes,op,kernel,"
    "pages,bytes,token,layer,head,phase\n";

std::uint64_t ps_of(const sc_core::sc_time& t) { return static_cast<std::uint64_t>(t.value()); }

/// A complete event up to its name, from its name to its thread id.
constexpr std::string_view kEventStart = ",\n{\"ph\":\"X\",\"name\":";
std::string event_rest(const char* category, std::uint32_t pid) {
  return std::string(",\"cat\":\"") + category + "\",\"pid\":" + std::to_string(pid) + ",\"tid\":";
}

}  // namespace

/// Everything of an event that depends only on its kind, formatted once per file.
struct CommandTimeline::EventText {
  /// From the start of the event to its thread id, by label: channel tracks (NandCommand), die
  /// tracks (NandCommand, then kComputeLabel + IfcKernel), the NPU (NpuOpKind), DRAM channels
  /// (kDramRead, kDramWrite).
  std::vector<std::string> bus, array, npu, dram;
  /// Phase names as JSON strings by Phase, then "step" for a dataflow step without one.
  std::vector<std::string> phase;
  /// A dataflow step from the end of its name to its thread id.
  std::string step_rest = event_rest("dataflow", kSocPid);
  std::size_t longest = 0;
};

CommandTimeline::CommandTimeline(const std::string& json_file, const std::string& csv_file, const TraceLayout& layout)
    : layout_(layout), json_path_(json_file), csv_path_(csv_file), tracks_(track_count()) {
  std::size_t longest = 0;
  const auto name = [&longest](const char* text) {
    const std::string_view view(text);
    longest = std::max(longest, view.size());
    return view;
  };
  for (std::size_t i = 0; i < kNandCommandCount; ++i) command_names_[i] = name(to_string(static_cast<NandCommand>(i)));
  for (std::size_t i = 0; i < kIfcKernelCount; ++i) kernel_names_[i] = name(to_string(static_cast<IfcKernel>(i)));
  for (std::size_t i = 0; i < kPhaseCount; ++i) phase_names_[i] = name(to_string(static_cast<Phase>(i)));
  csv_row_bytes_ = kLineBytes + 3 * longest;

  // A failure leaves nothing behind: the file opened first goes with its PartialFile.
  if (!csv_path_.empty()) {
    csv_ = std::make_unique<PartialFile>(csv_path_);
    csv_->text(kCsvHeader);
  }
  if (!json_path_.empty()) json_ = std::make_unique<PartialFile>(json_path_);
}

CommandTimeline::~CommandTimeline() = default;

void CommandTimeline::discard() {
  csv_.reset();
  json_.reset();
}

std::uint32_t CommandTimeline::channel_track(ChannelId channel) const {
  if (channel.value() >= layout_.channels)
    throw std::out_of_range("command timeline: channel " + std::to_string(channel.value()) + " outside the " +
                            std::to_string(layout_.channels) + " channels of the platform");
  return channel.value();
}

std::uint32_t CommandTimeline::die_track(ChannelId channel, DieId die) const {
  if (die.value() >= layout_.dies_per_channel)
    throw std::out_of_range("command timeline: die " + std::to_string(die.value()) + " outside the " +
                            std::to_string(layout_.dies_per_channel) + " dies per channel of the platform");
  return layout_.channels + channel_track(channel) * layout_.dies_per_channel + die.value();
}

void CommandTimeline::add_slice(Slice slice, std::uint32_t track, const sc_core::sc_time& start,
                                const sc_core::sc_time& end, const CommandTag& tag) {
  if (end <= start) return;
  // close() sorts 32-bit indices, and slices name their tags by one.
  if (tracks_[track].size() > UINT32_MAX || tags_.size() > UINT32_MAX)
    throw std::runtime_error(json_path_ + ": more than 2^32 timeline slices");
  Tag stored;
  if (tag.token) stored.token = *tag.token;
  if (tag.layer) stored.layer = *tag.layer;
  if (tag.head) stored.head = *tag.head;
  if (tag.phase) stored.phase = static_cast<std::uint8_t>(*tag.phase);
  if (tags_.empty() || !(tags_.back() == stored)) tags_.push_back(stored);
  slice.tag = static_cast<std::uint32_t>(tags_.size() - 1);
  slice.start_ps = ps_of(start);
  slice.end_ps = ps_of(end);
  tracks_[track].push_back(slice);
}

void CommandTimeline::command(const CommandRecord& record) {
  if (csv_ != nullptr) write_csv_row(record);
  if (json_ == nullptr) return;

  Slice bus{};
  bus.label = static_cast<std::uint8_t>(record.command);
  bus.amount = record.bus_bytes;
  bus.detail = record.all_dies ? kAllDies : record.die.value();
  add_slice(bus, channel_track(record.channel), record.bus_start, record.bus_end, record.tag);

  if (record.array_end <= record.array_start) return;
  Slice array{};
  array.detail = record.planes.bits();
  if (record.command == NandCommand::IfcCompute) {
    array.label = static_cast<std::uint8_t>(kComputeLabel + static_cast<std::uint8_t>(record.kernel));
    array.amount = record.pages;
  } else {
    array.label = static_cast<std::uint8_t>(record.command);
  }
  if (!record.all_dies) {
    add_slice(array, die_track(record.channel, record.die), record.array_start, record.array_end, record.tag);
    return;
  }
  for (std::uint32_t die = 0; die < layout_.dies_per_channel; ++die)
    add_slice(array, die_track(record.channel, DieId(die)), record.array_start, record.array_end, record.tag);
}

void CommandTimeline::write_csv_row(const CommandRecord& record) {
  const bool array_work = record.array_end > record.array_start;
  const sc_core::sc_time& end = array_work ? std::max(record.bus_end, record.array_end) : record.bus_end;
  TextCursor row(csv_->room(csv_row_bytes_));
  row.number(ps_of(record.issue)).put(',').number(ps_of(record.bus_start)).put(',').number(ps_of(end)).put(',');
  row.number(ps_of(record.bus_start)).put(',').number(ps_of(record.bus_end)).put(',');
  if (array_work) row.number(ps_of(record.array_start)).put(',').number(ps_of(record.array_end));
  else row.put(',');
  row.put(',').number(record.channel.value()).put(',');
  if (record.all_dies) row.put("all");
  else row.number(record.die.value());
  row.put(',').put(plane_text_.of(record.planes.bits())).put(',');
  row.put(command_names_[static_cast<std::size_t>(record.command)]).put(',');
  const bool compute = record.command == NandCommand::IfcCompute;
  if (compute) row.put(kernel_names_[static_cast<std::size_t>(record.kernel)]);
  row.put(',');
  const bool stream = record.command == NandCommand::StreamRead || record.command == NandCommand::StreamDataOut;
  if (compute || stream) row.number(record.pages);
  row.put(',').number(record.bus_bytes).put(',');
  write_csv_tag(row, record.tag);
  csv_->done(row.put('\n').end());
}

void CommandTimeline::write_dram_csv_row(std::uint32_t channel, bool write, std::uint64_t bytes,
                                         const sc_core::sc_time& start, const sc_core::sc_time& end,
                                         const CommandTag& tag) {
  // The data phase is both the row's span and its bus tenure; there is no array work, no planes.
  TextCursor row(csv_->room(csv_row_bytes_));
  // Issued when the channel scheduled it, which is when it reports.
  row.number(ps_of(sc_core::sc_time_stamp())).put(',').number(ps_of(start)).put(',').number(ps_of(end)).put(',');
  row.number(ps_of(start)).put(',').number(ps_of(end)).put(",,,").number(channel).put(',').put(kDramDie).put(",,");
  row.put(kDramCsvOps[write ? kDramWrite : kDramRead]).put(",,,").number(bytes).put(',');
  write_csv_tag(row, tag);
  csv_->done(row.put('\n').end());
}

void CommandTimeline::write_csv_tag(TextCursor& row, const CommandTag& tag) const {
  if (tag.token) row.number(*tag.token);
  row.put(',');
  if (tag.layer) row.number(*tag.layer);
  row.put(',');
  if (tag.head) row.number(*tag.head);
  row.put(',');
  if (tag.phase) row.put(phase_names_[static_cast<std::size_t>(*tag.phase)]);
}

void CommandTimeline::npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
                             const CommandTag& tag) {
  if (json_ == nullptr) return;
  Slice slice{};
  slice.label = static_cast<std::uint8_t>(kind);
  add_slice(slice, npu_track(), start, end, tag);
}

void CommandTimeline::phase_end(const CommandTag& tag, const sc_core::sc_time& began) {
  if (json_ == nullptr) return;
  add_slice(Slice{}, dataflow_track(), began, sc_core::sc_time_stamp(), tag);
}

void CommandTimeline::dram_access(std::uint32_t channel, bool write, std::uint64_t bytes,
                                  const sc_core::sc_time& start, const sc_core::sc_time& end, const CommandTag& tag) {
  if (channel >= layout_.dram_channels)
    throw std::out_of_range("command timeline: DRAM channel " + std::to_string(channel) + " outside the " +
                            std::to_string(layout_.dram_channels) + " DRAM channels of the platform");
  if (csv_ != nullptr) write_dram_csv_row(channel, write, bytes, start, end, tag);
  if (json_ == nullptr) return;
  Slice slice{};
  slice.label = write ? kDramWrite : kDramRead;
  slice.amount = bytes;
  add_slice(slice, first_dram_track() + channel, start, end, tag);
}

void CommandTimeline::close(const sc_core::sc_time& end) {
  if (closed_) return;
  closed_ = true;
  std::string errors;
  if (csv_ != nullptr) errors = csv_->commit();
  if (json_ != nullptr) {
    write_json(end);
    const std::string error = json_->commit();
    if (!error.empty()) errors += (errors.empty() ? "" : "; ") + error;
  }
  discard();
  tracks_.clear();
  tags_.clear();
  if (!errors.empty()) throw std::runtime_error(errors);
}

std::uint32_t CommandTimeline::place_on_lanes(Track& track, std::vector<std::uint32_t>& order) const {
  order.resize(track.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  // Channel and NPU tracks (and mostly the dies) report in this order already; the dataflow
  // reports steps as they end. Stable: equal slices keep their report order on every platform.
  const auto before = [&track](std::uint32_t a, std::uint32_t b) {
    const Slice& x = track[a];
    const Slice& y = track[b];
    return x.start_ps != y.start_ps ? x.start_ps < y.start_ps : x.end_ps > y.end_ps;
  };
  if (!std::is_sorted(order.begin(), order.end(), before)) std::stable_sort(order.begin(), order.end(), before);

  LaneAssigner assigner;
  for (const std::uint32_t index : order) {
    Slice& slice = track[index];
    const std::uint32_t lane = assigner.place(slice.start_ps, slice.end_ps);
    if (lane > UINT16_MAX)
      throw std::runtime_error(json_path_ + ": more than " + std::to_string(UINT16_MAX + 1) +
                               " overlapping slices on one track");
    slice.lane = static_cast<std::uint16_t>(lane);
  }
  const std::uint32_t lanes = std::max(assigner.lanes(), 1u);
  if (lanes == 1) return lanes;
  // Lane by lane, each in the order above (a counting sort is stable).
  std::vector<std::size_t> next(lanes + 1, 0);
  for (const std::uint32_t index : order) ++next[track[index].lane + 1];
  for (std::uint32_t lane = 1; lane <= lanes; ++lane) next[lane] += next[lane - 1];
  std::vector<std::uint32_t> by_lane(order.size());
  for (const std::uint32_t index : order) by_lane[next[track[index].lane]++] = index;
  order.swap(by_lane);
  return lanes;
}

void CommandTimeline::write_json(const sc_core::sc_time& end) {
  // Every track's order, lanes included, comes before the metadata that names the lanes.
  std::vector<std::vector<std::uint32_t>> orders(track_count());
  std::vector<std::uint32_t> lanes(track_count());
  for (std::uint32_t track = 0; track < track_count(); ++track)
    lanes[track] = place_on_lanes(tracks_[track], orders[track]);

  std::string head = "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"kvnand\",\"version\":";
  append_json_string(head, KVNAND_VERSION);
  head += ",\"end_ps\":" + std::to_string(ps_of(end)) + ",\"channels\":" + std::to_string(layout_.channels) +
          ",\"dies_per_channel\":" + std::to_string(layout_.dies_per_channel) +
          ",\"planes_per_die\":" + std::to_string(layout_.planes_per_die);
  if (layout_.dram_channels > 0) head += ",\"dram_channels\":" + std::to_string(layout_.dram_channels);
  head += "},\"traceEvents\":[\n";
  json_->text(head);
  write_metadata(lanes);

  EventText text;
  const auto add = [&text](std::vector<std::string>& table, std::string_view name, const std::string& rest) {
    std::string entry(kEventStart);
    append_json_string(entry, name);
    table.push_back(entry + rest);
    text.longest = std::max(text.longest, table.back().size());
  };
  const std::string bus = event_rest("bus", kFlashPid), array = event_rest("array", kFlashPid);
  for (const std::string_view name : command_names_) {
    add(text.bus, name, bus);
    add(text.array, name, array);
  }
  for (const std::string_view name : kernel_names_) add(text.array, name, array);
  for (std::size_t i = 0; i < kNpuOpKindCount; ++i)
    add(text.npu, to_string(static_cast<NpuOpKind>(i)), event_rest("npu", kSocPid));
  for (const std::string_view name : kDramSliceNames) add(text.dram, name, event_rest("dram", kDramPid));
  for (const std::string_view name : phase_names_) append_json_string(text.phase.emplace_back(), name);
  append_json_string(text.phase.emplace_back(), "step");
  for (const std::string& name : text.phase) text.longest = std::max(text.longest, name.size() + text.step_rest.size());

  // Thread ids count lanes from 1 within each process: flash tracks, the SoC's, the DRAM's.
  std::uint32_t tid = 1;
  for (std::uint32_t track = 0; track < track_count(); ++track) {
    if (track == npu_track() || track == first_dram_track()) tid = 1;
    for (const std::uint32_t index : orders[track]) {
      const Slice& slice = tracks_[track][index];
      write_slice(slice, track, tid + slice.lane, text);
    }
    tid += lanes[track];
  }
  json_->text("\n]}\n");
}

void CommandTimeline::write_metadata(const std::vector<std::uint32_t>& lanes) {
  std::string events;
  // {"ph":"M","name":<what>,"pid":..,"tid":..,"args":{<key>:<value>}}, value as JSON.
  const auto event = [&events](const char* what, std::uint32_t pid, std::uint32_t tid, const char* key,
                               const std::string& value) {
    if (!events.empty()) events += ",\n";
    events += "{\"ph\":\"M\",\"name\":";
    append_json_string(events, what);
    events += ",\"pid\":" + std::to_string(pid) + ",\"tid\":" + std::to_string(tid) + ",\"args\":{";
    append_json_string(events, key);
    events += ':' + value + "}}";
  };
  const auto string = [](const std::string& text) {
    std::string out;
    append_json_string(out, text);
    return out;
  };
  const auto process = [&](std::uint32_t pid, const char* name) {
    event("process_name", pid, kProcessTid, "name", string(name));
    event("process_sort_index", pid, kProcessTid, "sort_index", std::to_string(pid));
  };
  const auto threads = [&](std::uint32_t pid, std::uint32_t& tid, const std::string& name, std::uint32_t count) {
    for (std::uint32_t lane = 0; lane < count; ++lane, ++tid) {
      event("thread_name", pid, tid, "name", string(lane == 0 ? name : name + " #" + std::to_string(lane + 1)));
      event("thread_sort_index", pid, tid, "sort_index", std::to_string(tid));
    }
  };

  process(kFlashPid, "flash");
  std::uint32_t tid = 1;
  for (std::uint32_t c = 0; c < layout_.channels; ++c)
    threads(kFlashPid, tid, "channel " + std::to_string(c), lanes[channel_track(ChannelId(c))]);
  for (std::uint32_t c = 0; c < layout_.channels; ++c)
    for (std::uint32_t d = 0; d < layout_.dies_per_channel; ++d)
      threads(kFlashPid, tid, "channel " + std::to_string(c) + " die " + std::to_string(d),
              lanes[die_track(ChannelId(c), DieId(d))]);

  // Flash microbenchmarks have no SoC side; show it when the run is a decode or reported some.
  if (layout_.decode || tracks_[npu_track()].size() + tracks_[dataflow_track()].size() > 0) {
    process(kSocPid, "soc");
    tid = 1;
    threads(kSocPid, tid, "npu", lanes[npu_track()]);
    threads(kSocPid, tid, "dataflow", lanes[dataflow_track()]);
  }
  if (layout_.dram_channels > 0) {
    process(kDramPid, "dram");
    tid = 1;
    for (std::uint32_t c = 0; c < layout_.dram_channels; ++c)
      threads(kDramPid, tid, "DRAM channel " + std::to_string(c), lanes[first_dram_track() + c]);
  }
  json_->text(events);
}

void CommandTimeline::write_slice(const Slice& slice, std::uint32_t track, std::uint32_t tid, const EventText& text) {
  const bool flash = track < npu_track();
  const bool channel = track < layout_.channels;
  const bool dataflow = track == dataflow_track();
  const bool dram = track >= first_dram_track();
  const Tag& tag = tags_[slice.tag];
  const std::string& phase = text.phase[tag.phase != kNoPhase ? tag.phase : kPhaseCount];
  TextCursor event(json_->room(text.longest + kLineBytes));
  // Metadata came first, so every slice follows another event.
  if (channel) {
    event.put(text.bus[slice.label]);
  } else if (flash) {
    event.put(text.array[slice.label]);
  } else if (dram) {
    event.put(text.dram[slice.label]);
  } else if (!dataflow) {
    event.put(text.npu[slice.label]);
  } else {
    // The step's name: its phase, layer and head ("qkv L3 H1"), in the phase's JSON string
    // before its closing quote.
    event.put(kEventStart).put(std::string_view(phase).substr(0, phase.size() - 1));
    if (tag.layer != kNoIndex) event.put(" L").number(tag.layer);
    if (tag.head != kNoIndex) event.put(" H").number(tag.head);
    event.put('"').put(text.step_rest);
  }
  event.number(tid).put(",\"ts\":").micros(slice.start_ps).put(",\"dur\":").micros(slice.end_ps - slice.start_ps);
  event.put(",\"args\":{");
  bool first = true;
  if (channel) {
    event.key("\"die\":", first);
    if (slice.detail == kAllDies) event.put("\"all\"");
    else event.number(slice.detail);
    event.key("\"bytes\":", first).number(slice.amount);
  } else if (flash) {
    if (slice.detail != 0) event.key("\"planes\":\"", first).put(plane_text_.of(slice.detail)).put('"');
    if (slice.label >= kComputeLabel) event.key("\"pages\":", first).number(slice.amount);
  } else if (dram) {
    event.key("\"bytes\":", first).number(slice.amount);
  }
  if (tag.token != kNoToken) event.key("\"token\":", first).number(tag.token);
  if (tag.layer != kNoIndex) event.key("\"layer\":", first).number(tag.layer);
  if (tag.head != kNoIndex) event.key("\"head\":", first).number(tag.head);
  if (tag.phase != kNoPhase && !dataflow) event.key("\"phase\":", first).put(phase);
  json_->done(event.put("}}").end());
}

}  // namespace kvnand
