#include "channel/flash_channel.h"

#include <algorithm>
#include <string>

#include "common/sim_time.h"

namespace kvnand {
namespace {
constexpr double kJoulesPerPicojoule = 1e-12;

/// The planes a sequence's array work (or its data) concerns.
PlaneMask planes_of(const NandOperation& op) {
  switch (op.command) {
    case NandCommand::CacheReadNext:
    case NandCommand::CacheReadLast:
    case NandCommand::DataOut:
    case NandCommand::IfcProgram: return PlaneMask::single(op.plane);
    case NandCommand::IfcCompute:
    case NandCommand::StreamRead:
    case NandCommand::StreamDataOut: return planes_with_pages(op.stream.pages_per_plane);
    default: return op.planes;
  }
}
}  // namespace

FlashChannel::FlashChannel(sc_core::sc_module_name name, const ChannelSpec& spec, const FlashSpec& flash,
                           ChannelId id, ActivityObserver* observer)
    : sc_module(name),
      controller_socket("controller_socket"),
      spec_(spec),
      id_(id),
      observer_(observer),
      page_bytes_(flash.geometry.page_total_bytes()),
      page_transfer_(transfer_time(flash.geometry.page_total_bytes(), spec.rate_GBps)),
      interface_J_per_byte_(flash.energy.interface_pJ_per_bit * kBitsPerByte * kJoulesPerPicojoule) {
  controller_socket.register_b_transport(this, &FlashChannel::b_transport);
  for (std::uint32_t d = 0; d < spec.dies_per_channel; ++d)
    die_sockets_.push_back(std::make_unique<DieSocket>(("die_socket_" + std::to_string(d)).c_str()));
}

sc_core::sc_time FlashChannel::bus_time(const NandOperation& op) const {
  const auto planes = static_cast<double>(op.planes.count());
  switch (op.command) {
    case NandCommand::Read: return spec_.cmd_addr_cycle * (planes * spec_.read_cmd_addr_cycles);
    case NandCommand::CacheReadNext:
    case NandCommand::CacheReadLast: return spec_.cmd_addr_cycle * static_cast<double>(spec_.cache_read_cmd_cycles);
    case NandCommand::DataOut: return page_transfer_;
    case NandCommand::Program:
      return (spec_.cmd_addr_cycle * static_cast<double>(spec_.program_cmd_addr_cycles) + page_transfer_) * planes;
    case NandCommand::Erase: return spec_.cmd_addr_cycle * (planes * spec_.erase_cmd_addr_cycles);
    case NandCommand::IfcBroadcast:
    case NandCommand::IfcInput:
    case NandCommand::IfcProgram:
      return spec_.cmd_addr_cycle * static_cast<double>(spec_.program_cmd_addr_cycles) +
             transfer_time(op.bus_bytes, spec_.rate_GBps);
    case NandCommand::IfcCompute:
      return spec_.cmd_addr_cycle * static_cast<double>(spec_.read_cmd_addr_cycles) +
             transfer_time(op.bus_bytes, spec_.rate_GBps);
    case NandCommand::IfcReadout:
      return spec_.cmd_addr_cycle * static_cast<double>(spec_.cache_read_cmd_cycles) +
             transfer_time(op.bus_bytes, spec_.rate_GBps);
    case NandCommand::StreamRead:
      return spec_.cmd_addr_cycle *
             static_cast<double>(planes_with_pages(op.stream.pages_per_plane).count() * spec_.read_cmd_addr_cycles);
    case NandCommand::StreamDataOut: return stream_bus_time(stream_bus(op), total_pages(op.stream.pages_per_plane));
  }
  return sc_core::SC_ZERO_TIME;
}

std::uint64_t FlashChannel::data_bytes(const NandOperation& op) const {
  switch (op.command) {
    case NandCommand::DataOut: return page_bytes_;
    case NandCommand::Program: return std::uint64_t{page_bytes_} * static_cast<std::uint64_t>(op.planes.count());
    case NandCommand::IfcBroadcast:
    case NandCommand::IfcInput:
    case NandCommand::IfcCompute:
    case NandCommand::IfcReadout:
    case NandCommand::IfcProgram: return op.bus_bytes;
    case NandCommand::StreamDataOut: return std::uint64_t{op.stream_page_bytes} * total_pages(op.stream.pages_per_plane);
    default: return 0;
  }
}

StreamBusTiming FlashChannel::stream_bus(const NandOperation& op) const {
  return {spec_.cmd_addr_cycle * static_cast<double>(spec_.cache_read_cmd_cycles),
          transfer_time(op.stream_page_bytes, spec_.rate_GBps)};
}

void FlashChannel::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* op = trans.get_extension<NandOperation>();
  if (op == nullptr || op->die.value() >= die_sockets_.size()) {
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    if (op != nullptr) op->error = std::string(name()) + ": no die " + std::to_string(op->die.value()) + " on this channel";
    return;
  }
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time issue = now + delay;
  const sc_core::sc_time start = std::max(issue, free_at_);
  const sc_core::sc_time duration = bus_time(*op);
  const sc_core::sc_time end = start + duration;
  free_at_ = end;

  const std::uint64_t bytes = data_bytes(*op);
  stats_.busy_time += duration;
  stats_.data_bytes += bytes;
  stats_.interface_energy_J += static_cast<double>(bytes) * interface_J_per_byte_;
  // The die times a stream's pipeline with this channel's cost per page.
  if (op->command == NandCommand::StreamRead) op->stream_bus = stream_bus(*op);
  sc_core::sc_time die_delay = end - now;
  (*die_sockets_[op->die.value()])->b_transport(trans, die_delay);
  delay = end - now;
  if (observer_ != nullptr && trans.get_response_status() == tlm::TLM_OK_RESPONSE)
    report(*op, issue, start, end, bytes);
}

void FlashChannel::report(const NandOperation& op, const sc_core::sc_time& issue, const sc_core::sc_time& start,
                          const sc_core::sc_time& end, std::uint64_t bytes) const {
  CommandRecord record;
  record.command = op.command;
  record.channel = id_;
  record.die = op.die;
  record.all_dies = op.command == NandCommand::IfcBroadcast;
  record.planes = planes_of(op);
  record.bus_bytes = bytes;
  record.issue = issue;
  record.bus_start = start;
  record.bus_end = end;
  record.array_start = op.array_start;
  record.array_end = op.ready_at;
  if (op.command == NandCommand::IfcCompute) record.kernel = op.stream.kernel;
  if (op.command == NandCommand::IfcCompute || op.command == NandCommand::StreamRead ||
      op.command == NandCommand::StreamDataOut)
    record.pages = total_pages(op.stream.pages_per_plane);
  record.tag = op.tag;
  observer_->command(record);
}

}  // namespace kvnand
