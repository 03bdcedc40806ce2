// Records the flash subsystem's activity as a VCD waveform. Modules report busy intervals that
// may end (or even start) in the simulated future, so changes wait in a time-ordered queue and
// reach the file only once simulated time has passed them: the file is always monotone.
#pragma once

#include <cstdint>
#include <queue>
#include <string>
#include <vector>

#include "channel/channel_spec.h"
#include "common/activity_observer.h"
#include "flash/flash_spec.h"
#include "vcd_writer.h"

namespace kvnand {

class WaveRecorder : public ActivityObserver {
 public:
  /// Opens `path` and declares every signal; throws std::runtime_error naming the file on failure.
  WaveRecorder(const std::string& path, const ChannelSpec& channels, const FlashGeometry& geometry);
  ~WaveRecorder() override;
  WaveRecorder(const WaveRecorder&) = delete;
  WaveRecorder& operator=(const WaveRecorder&) = delete;

  void bus_busy(ChannelId channel, DieId owner, BusActivity what, const sc_core::sc_time& start,
                const sc_core::sc_time& end) override;
  void array_busy(ChannelId channel, DieId die, PlaneMask planes, ArrayActivity what, const sc_core::sc_time& start,
                  const sc_core::sc_time& end) override;

  /// Writes every change up to `end` (later ones are dropped: the run stopped there) and closes
  /// the file. Throws std::runtime_error when the file could not be written completely.
  void close(const sc_core::sc_time& end);

 private:
  struct Change {
    std::uint64_t time_ps;
    std::uint64_t sequence;  ///< keeps same-time changes in the order they were reported
    int var;
    std::uint64_t value;
    bool operator>(const Change& other) const {
      return time_ps != other.time_ps ? time_ps > other.time_ps : sequence > other.sequence;
    }
  };
  struct ChannelVars {
    int busy, activity, owner;
  };
  struct DieVars {
    int array;
    std::vector<int> planes;
  };

  void declare(const ChannelSpec& channels, const FlashGeometry& geometry);
  void schedule(int var, std::uint64_t time_ps, std::uint64_t value);
  void interval(int var, const sc_core::sc_time& start, const sc_core::sc_time& end, std::uint64_t value);
  /// Writes all queued changes strictly before `limit_ps`.
  void flush_before(std::uint64_t limit_ps);

  std::string path_;
  kv_vcd_writer* writer_ = nullptr;
  std::uint32_t dies_per_channel_;
  std::vector<ChannelVars> channels_;
  std::vector<DieVars> dies_;
  std::priority_queue<Change, std::vector<Change>, std::greater<Change>> pending_;
  std::uint64_t sequence_ = 0;
  /// Per var: the value of the last change at the time being written, and whether it has one.
  std::vector<std::uint64_t> latest_;
  std::vector<int> touched_;
  std::vector<bool> is_touched_;
};

}  // namespace kvnand
