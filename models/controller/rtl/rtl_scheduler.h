// The RTL command scheduler: a Verilated Verilog module (controller/rtl/kvnand_scheduler.v by
// default) behind SystemC transactors. On every edge of the controller's gated clock the
// transactor drives the port contract (docs/rtl-cosim.md): pending requests onto the request
// lanes in arrival order, die_ready, completions onto the completion lanes; it takes what the
// RTL accepted, raises clk, and turns each valid issue lane into a command for a die's sequencer
// or the release of a stream request, after checking it against the requests it claims to serve.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <systemc>

#include "channel/channel_spec.h"
#include "controller/command_scheduler.h"
#include "controller/controller_clock.h"
#include "controller/controller_spec.h"
#include "controller/scheduler_factory.h"
#include "controller/rtl/rtl_ports.h"

namespace kvnand {

namespace rtl {
class Model;
}

/// Why this build's RTL (its LANES, DIES, QUEUE_CAPACITY and field widths) cannot serve the platform.
std::optional<ConfigMisfit> rtl_scheduler_misfit(const ControllerSpec& spec, const ChannelSpec& channels);

class RtlScheduler : public sc_core::sc_module, public CommandScheduler {
 public:
  static constexpr unsigned kLanes = rtl::kLanes;
  static constexpr unsigned kDies = rtl::kDies;
  static constexpr unsigned kQueueCapacity = rtl::kQueueCapacity;

  /// Throws std::invalid_argument when the platform exceeds what the RTL was built for.
  RtlScheduler(sc_core::sc_module_name name, const ControllerSpec& spec, const ChannelSpec& channels);
  ~RtlScheduler() override;

  const char* kind() const override { return "rtl"; }
  sc_core::sc_time clock_period() const override { return spec_.clock_period; }

  void enqueue(std::uint32_t die_index, const QueuedRequest& item) override;
  ScheduledCommand next_command(std::uint32_t die_index) override;
  void command_done(std::uint32_t die_index, const ScheduledCommand& command) override;
  void issue_stream(const IssuedCommand& request) override;
  void stream_done(const IssuedCommand& request) override;

  /// Writes the RTL's VCD (ports and internal signals, time in ps) to `path`. Call after
  /// construction: before the simulation starts (it opens then) or while it runs.
  void open_vcd(const std::string& path);
  /// Flushes and closes the VCD.
  void close_vcd();

  bool open_waves(const std::string& vcd_path) override {
    open_vcd(vcd_path);
    return true;
  }
  void close_waves() override { close_vcd(); }
  std::vector<std::pair<std::string, unsigned>> wave_ports() const override;

  /// Controller clock edges so far (the reset edge included).
  std::uint64_t edges() const { return clock_->edges(); }

 private:
  /// A request waiting for the RTL to take it (page) or issue it (stream); lives on the caller's stack.
  struct Arrival {
    std::uint32_t die_index = 0;
    QueuedRequest item;
    const IssuedCommand* stream = nullptr;
    sc_core::sc_event done;
    bool is_done = false;
  };
  /// A finished command, waiting for a completion lane.
  struct Completion {
    std::uint8_t op = 0;
    std::uint32_t channel = 0;
    std::uint32_t die = 0;
    std::uint32_t tag = 0;
  };
  struct Die {
    /// Page requests the RTL took and has not issued yet, in arrival order.
    std::deque<QueuedRequest> taken;
    /// The command issued to the die's sequencer and not yet picked up.
    std::optional<ScheduledCommand> issued;
    sc_core::sc_event work;
    /// die_ready: no page command in service.
    bool ready = true;
  };

  void start_of_simulation() override;
  void validate_tag(std::size_t tag) const;
  void wait_done(Arrival& arrival);
  void release(Arrival& arrival);

  /// The controller clock's edge: one RTL cycle; true when another edge is needed.
  bool on_edge();
  /// Lets the RTL's evaluation catch up with the inputs written so far (delta cycles only).
  void settle();
  void reset();
  void present_requests();
  void present_completions();
  /// Reads req_ready: the lanes the RTL takes at this edge; returns how many presented requests it refused.
  std::size_t take_requests();
  /// Turns the issue lanes into commands (rtl_issue.cpp) and reports them in lane order.
  void issue_commands(const sc_core::sc_time& now);
  /// The page command on issue lane `lane`, checked against the requests it serves.
  ScheduledCommand page_command(unsigned lane);
  /// The stream request issued on `lane`, checked against the command.
  Arrival& stream_command(unsigned lane);
  [[noreturn]] void violation(unsigned lane, const std::string& what) const;
  void lower_clock();

  ControllerSpec spec_;
  ChannelSpec channels_;
  std::unique_ptr<rtl::Ports> ports_;
  std::unique_ptr<rtl::Model> model_;
  std::unique_ptr<ControllerClock> clock_;
  std::vector<Die> dies_;
  /// Requests not taken yet, in arrival order; the first kLanes are on the request lanes.
  std::deque<Arrival*> arrivals_;
  unsigned presented_requests_ = 0;
  /// Stream requests taken and not issued yet.
  std::vector<Arrival*> taken_streams_;
  std::deque<Completion> completions_;
  unsigned presented_completions_ = 0;
  /// Reused at every edge: what was issued, in lane order.
  std::vector<IssuedCommand> issued_;
  std::vector<std::uint32_t> page_dies_;
  std::vector<Arrival*> released_;
  sc_core::sc_event clock_fall_;
  bool reset_done_ = false;
  std::string vcd_path_;
};

}  // namespace kvnand
