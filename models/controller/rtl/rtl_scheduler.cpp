#include "controller/rtl/rtl_scheduler.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

#include "controller/rtl/rtl_model.h"

namespace kvnand {
using rtl::field_max;
/// The Verilated module's instance name (its scope in the RTL's VCD).
constexpr const char* kModelName = "rtl";

std::optional<ConfigMisfit> rtl_scheduler_misfit(const ControllerSpec& spec, const ChannelSpec& channels) {
  std::ostringstream problem;
  std::string key;
  if (spec.clock_period == sc_core::SC_ZERO_TIME) {
    key = "controller.clock_MHz";
    problem << "the RTL scheduler needs a clock; set controller.clock_MHz";
  } else if (spec.lanes_per_clock != rtl::kLanes) {
    key = "controller.lanes_per_clock";
    problem << spec.lanes_per_clock << " differs from the RTL scheduler's LANES (" << rtl::kLanes << "); set it to "
            << rtl::kLanes << " or rebuild with -DKVNAND_RTL_LANES=" << spec.lanes_per_clock;
  } else if (spec.queue_depth_per_die > rtl::kQueueCapacity) {
    key = "controller.queue_depth_per_die";
    problem << spec.queue_depth_per_die << " exceeds the RTL scheduler's QUEUE_CAPACITY (" << rtl::kQueueCapacity
            << "); rebuild with -DKVNAND_RTL_QUEUE_CAPACITY=" << spec.queue_depth_per_die;
  } else if (spec.queue_depth_per_die > field_max(rtl::kQueueDepthBits)) {
    key = "controller.queue_depth_per_die";
    problem << spec.queue_depth_per_die << " exceeds the RTL scheduler's " << rtl::kQueueDepthBits
            << "-bit cfg_queue_depth port (at most " << field_max(rtl::kQueueDepthBits) << ")";
  } else if (channels.count > field_max(rtl::kChannelBits) + 1) {
    key = "channels.count";
    problem << channels.count << " exceeds the RTL scheduler's " << rtl::kChannelBits << "-bit channel field (at most "
            << field_max(rtl::kChannelBits) + 1 << " channels)";
  } else if (channels.dies_per_channel > field_max(rtl::kChannelBits)) {
    key = "channels.dies_per_channel";
    problem << channels.dies_per_channel << " exceeds the RTL scheduler's " << rtl::kChannelBits
            << "-bit cfg_dies_per_channel port (at most " << field_max(rtl::kChannelBits) << ")";
  } else if (channels.total_dies() > rtl::kDies) {
    key = "channels.count";
    problem << channels.count << " x channels.dies_per_channel " << channels.dies_per_channel << " = "
            << channels.total_dies() << " dies exceed the RTL scheduler's DIES (" << rtl::kDies
            << "); rebuild with -DKVNAND_RTL_DIES=" << channels.total_dies();
  } else {
    return std::nullopt;
  }
  return ConfigMisfit{key, problem.str()};
}

RtlScheduler::RtlScheduler(sc_core::sc_module_name name, const ControllerSpec& spec, const ChannelSpec& channels)
    : sc_module(name), spec_(spec), channels_(channels) {
  if (const auto misfit = rtl_scheduler_misfit(spec_, channels_))
    throw std::invalid_argument(misfit->key + ": " + misfit->problem);
  dies_ = std::vector<Die>(channels_.total_dies());
  ports_ = std::make_unique<rtl::Ports>();
  model_ = std::make_unique<rtl::Model>(kModelName, *ports_);
  clock_ = std::make_unique<ControllerClock>("clock", spec_.clock_period, [this] { return on_edge(); });
  issued_.reserve(kLanes);
  page_dies_.reserve(kLanes);
  released_.reserve(2 * kLanes);

  sc_core::sc_spawn_options falling;
  falling.spawn_method();
  falling.set_sensitivity(&clock_fall_);
  falling.dont_initialize();
  sc_core::sc_spawn([this] { lower_clock(); }, "clock_fall", &falling);
  // The reset edge at time 0, before any request can be taken.
  sc_core::sc_spawn([this] { clock_->request_edge(); }, "power_on");
}

RtlScheduler::~RtlScheduler() = default;

void RtlScheduler::open_vcd(const std::string& path) {
  if (sc_core::sc_start_of_simulation_invoked())
    model_->open_vcd(path);
  else
    vcd_path_ = path;
}

void RtlScheduler::close_vcd() {
  vcd_path_.clear();
  model_->close_vcd();
}

std::vector<std::pair<std::string, unsigned>> RtlScheduler::wave_ports() const {
  using namespace rtl;
  const std::string top = std::string(kModelName) + "." + kTopModule + ".";
  // Every port; the handshakes and the narrow fields first, the wide packed buses last.
  std::vector<std::pair<std::string, unsigned>> ports = {
      {"clk", 1}, {"rst_n", 1}, {"req_valid", kLanes}, {"req_ready", kLanes}, {"die_ready", kDies},
      {"cmd_valid", kLanes}, {"cmd_ready", kLanes}, {"cmd_op", kLanes * kOpBits}, {"cmd_channel", kLanes * kChannelBits},
      {"cmd_die", kLanes * kDieBits}, {"cmd_count", kLanes * kCountBits}, {"cmd_tag", kLanes * kTagBits},
      {"cpl_valid", kLanes}, {"cpl_tag", kLanes * kTagBits}, {"active", 1}, {"inflight", kInflightBits},
      {"req_op", kLanes * kOpBits}, {"req_channel", kLanes * kChannelBits}, {"req_die", kLanes * kDieBits},
      {"req_tag", kLanes * kTagBits}, {"req_planes", kLanes * kPlanesBits}, {"req_block", kLanes * kBlockBits},
      {"req_page", kLanes * kPageBits}, {"req_pages", kLanes * kPagesBits}, {"cmd_planes", kLanes * kPlanesBits},
      {"cmd_block", kLanes * kBlockBits}, {"cmd_page", kLanes * kPageBits}, {"cmd_pages", kLanes * kPagesBits},
      {"cpl_op", kLanes * kOpBits}, {"cpl_channel", kLanes * kChannelBits}, {"cpl_die", kLanes * kDieBits},
      {"cfg_dies_per_channel", kChannelBits}, {"cfg_queue_depth", kQueueDepthBits},
      {"cfg_max_planes", kMaxPlanesBits}, {"cfg_cache_read", 1}};
  for (auto& port : ports) port.first = top + port.first;
  return ports;
}

void RtlScheduler::start_of_simulation() {
  // Verilator traces a model only once elaboration is complete.
  if (!vcd_path_.empty()) model_->open_vcd(vcd_path_);
}

void RtlScheduler::validate_tag(std::size_t tag) const {
  if (tag <= field_max(rtl::kTagBits)) return;
  throw std::runtime_error("RTL scheduler: request tag " + std::to_string(tag) + " does not fit the " +
                           std::to_string(rtl::kTagBits) + "-bit tag field (more than " +
                           std::to_string(field_max(rtl::kTagBits) + 1) + " requests in flight)");
}

void RtlScheduler::wait_done(Arrival& arrival) {
  arrivals_.push_back(&arrival);
  clock_->request_edge();
  while (!arrival.is_done) sc_core::wait(arrival.done);
}

void RtlScheduler::release(Arrival& arrival) {
  arrival.is_done = true;
  arrival.done.notify(sc_core::SC_ZERO_TIME);
}

void RtlScheduler::enqueue(std::uint32_t die_index, const QueuedRequest& item) {
  validate_tag(item.slot);
  Arrival arrival;
  arrival.die_index = die_index;
  arrival.item = item;
  wait_done(arrival);
}

ScheduledCommand RtlScheduler::next_command(std::uint32_t die_index) {
  Die& die = dies_[die_index];
  while (!die.issued) sc_core::wait(die.work);
  ScheduledCommand command = std::move(*die.issued);
  die.issued.reset();
  return command;
}

void RtlScheduler::command_done(std::uint32_t die_index, const ScheduledCommand& command) {
  dies_[die_index].ready = true;
  // The requests may be gone already (their host calls returned): use only what the command holds.
  completions_.push_back(Completion{rtl::op_code(command.plan.op), die_index / channels_.dies_per_channel,
                                    die_index % channels_.dies_per_channel,
                                    static_cast<std::uint32_t>(command.group.front().slot)});
  clock_->request_edge();
}

void RtlScheduler::issue_stream(const IssuedCommand& request) {
  validate_tag(request.tag);
  if (request.pages > field_max(rtl::kPagesBits))
    throw std::runtime_error("RTL scheduler: a stream request of " + std::to_string(request.pages) +
                             " pages does not fit the " + std::to_string(rtl::kPagesBits) + "-bit pages field");
  Arrival arrival;
  arrival.die_index = request.channel.value() * channels_.dies_per_channel + request.die.value();
  arrival.stream = &request;
  wait_done(arrival);
}

void RtlScheduler::stream_done(const IssuedCommand& request) {
  completions_.push_back(
      Completion{rtl::op_code(request.op), request.channel.value(), request.die.value(), request.tag});
  clock_->request_edge();
}

void RtlScheduler::settle() {
  // The Verilated module evaluates in a method sensitive to its inputs: it runs one delta after a
  // write and its outputs are readable one delta later (two deltas, measured with Verilator 5.006).
  // Waiting until nothing is pending covers that and any longer chain.
  do {
    sc_core::wait(sc_core::SC_ZERO_TIME);
  } while (sc_core::sc_pending_activity_at_current_time());
}

void RtlScheduler::reset() {
  rtl::Ports& p = *ports_;
  p.cfg_dies_per_channel.set(0, channels_.dies_per_channel);
  p.cfg_queue_depth.set(0, spec_.queue_depth_per_die);
  p.cfg_max_planes.set(0, spec_.max_planes_per_command);
  p.cfg_cache_read.set(0, spec_.cache_read ? 1 : 0);
  // The die side never stalls.
  for (unsigned l = 0; l < kLanes; ++l) p.cmd_ready.set(l, 1);
  p.rst_n.set(0, 0);
  p.write_inputs();
  settle();
  for (int pulse = 0; pulse < 2; ++pulse) {
    p.clk.write(true);
    settle();
    p.clk.write(false);
    settle();
  }
  p.rst_n.set(0, 1);
  p.write_inputs();
  settle();
  reset_done_ = true;
}

void RtlScheduler::present_requests() {
  rtl::Ports& p = *ports_;
  presented_requests_ = static_cast<unsigned>(std::min<std::size_t>(arrivals_.size(), kLanes));
  for (unsigned l = 0; l < kLanes; ++l) {
    p.req_valid.set(l, l < presented_requests_ ? 1 : 0);
    if (l >= presented_requests_) continue;
    const Arrival& a = *arrivals_[l];
    if (a.stream != nullptr) {
      const IssuedCommand& s = *a.stream;
      p.req_op.set(l, rtl::op_code(s.op));
      p.req_channel.set(l, s.channel.value());
      p.req_die.set(l, s.die.value());
      p.req_planes.set(l, s.planes.bits());
      p.req_block.set(l, s.block);
      p.req_page.set(l, s.page);
      p.req_pages.set(l, s.pages);
      p.req_tag.set(l, s.tag);
    } else {
      const HostRequest& r = *a.item.request;
      p.req_op.set(l, rtl::op_code(r.op));
      p.req_channel.set(l, r.address.channel.value());
      p.req_die.set(l, r.address.die.value());
      p.req_planes.set(l, PlaneMask::single(r.address.plane).bits());
      p.req_block.set(l, r.address.block.value());
      p.req_page.set(l, rtl::request_page(r));
      p.req_pages.set(l, 1);
      p.req_tag.set(l, a.item.slot);
    }
  }
}

void RtlScheduler::present_completions() {
  rtl::Ports& p = *ports_;
  presented_completions_ = static_cast<unsigned>(std::min<std::size_t>(completions_.size(), kLanes));
  for (unsigned l = 0; l < kLanes; ++l) {
    p.cpl_valid.set(l, l < presented_completions_ ? 1 : 0);
    if (l >= presented_completions_) continue;
    const Completion& c = completions_[l];
    p.cpl_op.set(l, c.op);
    p.cpl_channel.set(l, c.channel);
    p.cpl_die.set(l, c.die);
    p.cpl_tag.set(l, c.tag);
  }
  for (std::uint32_t g = 0; g < dies_.size(); ++g) p.die_ready.set(g, dies_[g].ready ? 1 : 0);
}

std::size_t RtlScheduler::take_requests() {
  rtl::Ports& p = *ports_;
  p.req_ready.load();
  std::size_t kept = 0;
  for (unsigned l = 0; l < kLanes; ++l) {
    if (p.req_ready.get(l) == 0) {
      if (l < presented_requests_) arrivals_[kept++] = arrivals_[l];
      continue;
    }
    if (l >= presented_requests_) {
      std::ostringstream msg;
      msg << "RTL scheduler contract violation at " << sc_core::sc_time_stamp().value() << " ps: req_ready lane " << l
          << " is high but its req_valid is low";
      throw std::runtime_error(msg.str());
    }
    Arrival* a = arrivals_[l];
    if (a->stream != nullptr) {
      taken_streams_.push_back(a);
    } else {
      dies_[a->die_index].taken.push_back(a->item);
      released_.push_back(a);
    }
  }
  arrivals_.erase(arrivals_.begin() + static_cast<std::ptrdiff_t>(kept),
                  arrivals_.begin() + static_cast<std::ptrdiff_t>(presented_requests_));
  return kept;
}

bool RtlScheduler::on_edge() {
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  rtl::Ports& p = *ports_;
  if (!reset_done_) reset();
  present_requests();
  present_completions();
  p.write_inputs();
  settle();
  const std::size_t refused = take_requests();
  p.clk.write(true);
  settle();
  issue_commands(now);

  completions_.erase(completions_.begin(), completions_.begin() + presented_completions_);
  clock_fall_.notify(sc_core::sc_time::from_value(spec_.clock_period.value() / 2));

  // Wake the callers only now, so nothing else runs while the cycle settles.
  for (Arrival* a : released_) release(*a);
  for (const std::uint32_t g : page_dies_) dies_[g].work.notify(sc_core::SC_ZERO_TIME);
  released_.clear();

  p.active.load();
  // Completions that found no lane need the next edge. Requests that found none need it only when
  // lanes were freed: if the RTL took nothing, the next edge would present the same lanes to the
  // same state (which `active` would say had changed); a die becoming ready asks for its own edge.
  const bool lanes_freed = presented_requests_ > refused;
  const bool requests_left_off = arrivals_.size() > refused;
  return p.active.get(0) != 0 || (requests_left_off && lanes_freed) || !completions_.empty();
}

void RtlScheduler::lower_clock() {
  // Request and completion lanes were valid for the edge only; they drop with the clock, so the
  // waveform shows them for the high phase (untaken requests return at the next edge). A die that
  // got a page command at the edge is no longer ready from here on, well before the next edge.
  rtl::Ports& p = *ports_;
  p.clk.write(false);
  for (unsigned l = 0; l < kLanes; ++l) {
    p.req_valid.set(l, 0);
    p.cpl_valid.set(l, 0);
  }
  for (std::uint32_t g = 0; g < dies_.size(); ++g) p.die_ready.set(g, dies_[g].ready ? 1 : 0);
  p.write_inputs();
}

}  // namespace kvnand
