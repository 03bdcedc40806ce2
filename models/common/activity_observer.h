// Where modules report what their hardware is doing, for waveforms and timelines. Intervals may
// lie in the simulated future (timing is annotated ahead); observers must accept that.
#pragma once

#include <cstdint>

#include <systemc>

#include "common/flash_address.h"

namespace kvnand {

enum class ArrayActivity : std::uint8_t { Idle = 0, Read = 1, CacheCopy = 2, Program = 3, Erase = 4 };
enum class BusActivity : std::uint8_t { Idle = 0, Command = 1, DataOut = 2, DataIn = 3 };

class ActivityObserver {
 public:
  virtual ~ActivityObserver() = default;
  virtual void bus_busy(ChannelId channel, DieId owner, BusActivity what, const sc_core::sc_time& start,
                        const sc_core::sc_time& end) = 0;
  virtual void array_busy(ChannelId channel, DieId die, PlaneMask planes, ArrayActivity what,
                          const sc_core::sc_time& start, const sc_core::sc_time& end) = 0;
};

}  // namespace kvnand
