// The command timeline of a run: a Chrome / Perfetto trace-event JSON (one track per channel,
// die, the NPU, the dataflow's steps and each DRAM channel) and a CSV with one row per flash
// command and per DRAM access. Either file may be left out. Both are written as "<file>.partial"
// and renamed into place by close(), which an interrupted or failed run calls too.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <systemc>

#include "common/activity_observer.h"
#include "timeline_text.h"
#include "trace_layout.h"

namespace kvnand {

class CommandTimeline : public ActivityObserver {
 public:
  /// Empty names skip that file. Throws std::runtime_error naming a file that cannot be opened.
  CommandTimeline(const std::string& json_file, const std::string& csv_file, const TraceLayout& layout);
  ~CommandTimeline() override;
  CommandTimeline(const CommandTimeline&) = delete;
  CommandTimeline& operator=(const CommandTimeline&) = delete;

  void command(const CommandRecord& record) override;
  void npu_op(NpuOpKind kind, const sc_core::sc_time& start, const sc_core::sc_time& end,
              const CommandTag& tag) override;
  void phase_end(const CommandTag& tag, const sc_core::sc_time& began) override;
  /// A CSV row issued now (op dram_read / dram_write, die "dram") and a slice on its DRAM
  /// channel's track. Throws std::out_of_range for a channel outside the layout's DRAM.
  void dram_access(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                   const sc_core::sc_time& end, const CommandTag& tag) override;

  /// Writes what was recorded (commands issued and steps ended by `end`; a command's own end
  /// may lie beyond) and closes the files. Throws std::runtime_error when a file could not be
  /// written completely (then it is not left behind).
  void close(const sc_core::sc_time& end);

 private:
  /// A command tag as stored: absent fields are sentinels.
  struct Tag {
    std::uint64_t token = kNoToken;
    std::uint32_t layer = kNoIndex;
    std::uint32_t head = kNoIndex;
    std::uint8_t phase = kNoPhase;
    bool operator==(const Tag& other) const {
      return token == other.token && layer == other.layer && head == other.head && phase == other.phase;
    }
  };
  /// One interval on one track, kept compact (runs hold ~10^5 commands per token): names are
  /// enum values, the tag an index into tags_ (consecutive reports mostly share theirs).
  /// Trivial, so that chunks are not filled before use: make them with Slice{}.
  struct Slice {
    std::uint64_t start_ps;
    std::uint64_t end_ps;
    /// Channel and DRAM tracks: bus bytes. Die tracks: pages (IfcCompute).
    std::uint64_t amount;
    /// Channel tracks: the die index or kAllDies. Die tracks: the plane bits.
    std::uint64_t detail;
    std::uint32_t tag;
    std::uint16_t lane;
    /// Flash tracks: a NandCommand, or kComputeLabel + IfcKernel for IfcCompute. NPU: NpuOpKind.
    /// DRAM: kDramRead or kDramWrite.
    std::uint8_t label;
  };
  static_assert(sizeof(Slice) <= 40, "a slice should stay compact: a decode token makes ~10^5 of them");
  static_assert(std::is_trivial_v<Slice>);
  static constexpr std::uint64_t kNoToken = UINT64_MAX;
  static constexpr std::uint32_t kNoIndex = UINT32_MAX;
  static constexpr std::uint8_t kNoPhase = UINT8_MAX;
  static constexpr std::uint64_t kAllDies = UINT64_MAX;
  static constexpr std::uint8_t kComputeLabel = static_cast<std::uint8_t>(kNandCommandCount);
  static constexpr std::uint8_t kDramRead = 0;
  static constexpr std::uint8_t kDramWrite = 1;

  /// The slices of one track in report order. They live in fixed chunks: a decode token makes
  /// ~10^5 of them, which a growing vector would copy again and again; and one track's slices
  /// lie together for close(), which reads them track by track.
  class Track {
   public:
    std::size_t size() const { return size_; }
    Slice& operator[](std::size_t index) { return chunks_[index / kChunkSlices][index % kChunkSlices]; }
    void push_back(const Slice& slice) {
      if (size_ == chunks_.size() * kChunkSlices) chunks_.push_back(std::unique_ptr<Slice[]>(new Slice[kChunkSlices]));
      (*this)[size_++] = slice;
    }

   private:
    static constexpr std::size_t kChunkSlices = std::size_t{1} << 10;
    std::vector<std::unique_ptr<Slice[]>> chunks_;
    std::size_t size_ = 0;
  };
  /// The quoted JSON prefixes of the events, per track kind and label.
  struct EventText;

  /// Keeps `slice` on `track` as [start, end) with the tag's fields, unless it is empty.
  void add_slice(Slice slice, std::uint32_t track, const sc_core::sc_time& start, const sc_core::sc_time& end,
                 const CommandTag& tag);
  void write_csv_row(const CommandRecord& record);
  void write_dram_csv_row(std::uint32_t channel, bool write, std::uint64_t bytes, const sc_core::sc_time& start,
                          const sc_core::sc_time& end, const CommandTag& tag);
  /// The row's last four fields: token, layer, head, phase (empty where absent).
  void write_csv_tag(TextCursor& row, const CommandTag& tag) const;
  /// Sorts the slices onto lanes and writes the whole trace-event JSON (the file keeps any error).
  void write_json(const sc_core::sc_time& end);
  /// Gives every slice of `track` its lane and returns the lanes used (at least one); `order`
  /// gets the slices' indices in the order to write them: by lane, then start ascending, end
  /// descending, then report order.
  std::uint32_t place_on_lanes(Track& track, std::vector<std::uint32_t>& order) const;
  void write_metadata(const std::vector<std::uint32_t>& lanes);
  void write_slice(const Slice& slice, std::uint32_t track, std::uint32_t tid, const EventText& text);
  /// Closes and removes the partial files still open (a run that did not reach close(), or failed).
  void discard();

  // Tracks: channels, then dies (channel-major), then the NPU, the dataflow, the DRAM channels.
  std::uint32_t channel_track(ChannelId channel) const;
  std::uint32_t die_track(ChannelId channel, DieId die) const;
  std::uint32_t npu_track() const { return layout_.channels * (1 + layout_.dies_per_channel); }
  std::uint32_t dataflow_track() const { return npu_track() + 1; }
  std::uint32_t first_dram_track() const { return dataflow_track() + 1; }
  std::uint32_t track_count() const { return first_dram_track() + layout_.dram_channels; }

  TraceLayout layout_;
  std::string json_path_;
  std::string csv_path_;
  std::unique_ptr<PartialFile> json_;
  std::unique_ptr<PartialFile> csv_;
  /// CSV names by enum value (to_string), and room for the longest row.
  std::array<std::string_view, kNandCommandCount> command_names_{};
  std::array<std::string_view, kIfcKernelCount> kernel_names_{};
  std::array<std::string_view, kPhaseCount> phase_names_{};
  std::size_t csv_row_bytes_ = 0;
  PlaneListText plane_text_;
  std::vector<Track> tracks_;
  std::vector<Tag> tags_;
  bool closed_ = false;
};

}  // namespace kvnand
