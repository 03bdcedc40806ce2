#include "dram/dram_controller.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace kvnand {

std::vector<ChannelShare> split_by_channel(const DramSpec& spec, std::uint64_t address, std::uint64_t bytes) {
  std::vector<ChannelShare> shares(spec.channels);
  if (bytes == 0) return shares;
  if (bytes > std::numeric_limits<std::uint64_t>::max() - address)
    throw std::invalid_argument("split_by_channel: " + std::to_string(bytes) + " bytes at address " +
                                std::to_string(address) + " pass the end of the 64-bit address space");
  const std::uint64_t granule = spec.interleave_bytes;
  const std::uint64_t channels = spec.channels;
  const std::uint64_t first = address / granule;
  const std::uint64_t last = (address + bytes - 1) / granule;
  // Bytes of the first granule before the request, and of the last granule up to the request's end.
  const std::uint64_t head = address % granule;
  const std::uint64_t last_part = (address + bytes - 1) % granule + 1;
  for (std::uint64_t c = 0; c < channels; ++c) {
    const std::uint64_t offset = (c + channels - first % channels) % channels;
    if (offset > last - first) continue;
    const std::uint64_t g = first + offset;  // the channel's first granule of the request
    const std::uint64_t n = (last - g) / channels + 1;
    const bool has_first = g == first;
    const bool has_last = g + (n - 1) * channels == last;
    // A channel's granules of one request are consecutive rows of its own space: one range.
    shares[c].local_address = g / channels * granule + (has_first ? head : 0);
    shares[c].bytes = (n - 1) * granule + (has_last ? last_part : granule) - (has_first ? head : 0);
  }
  return shares;
}

std::vector<std::uint64_t> bytes_per_channel(const DramSpec& spec, std::uint64_t address, std::uint64_t bytes) {
  std::vector<std::uint64_t> out;
  for (const ChannelShare& share : split_by_channel(spec, address, bytes)) out.push_back(share.bytes);
  return out;
}

DramController::DramController(sc_core::sc_module_name name, const DramSpec& spec)
    : sc_module(name), host_socket("host_socket"), spec_(spec) {
  host_socket.register_b_transport(this, &DramController::b_transport);
  for (std::uint32_t c = 0; c < spec.channels; ++c)
    channel_sockets_.push_back(std::make_unique<ChannelSocket>(("channel_socket_" + std::to_string(c)).c_str()));
}

std::string DramController::refusal(const DramRequest& request) const {
  const std::uint64_t capacity = spec_.capacity_bytes();
  if (request.bytes <= capacity && request.address <= capacity - request.bytes) return {};
  return std::string(name()) + ": " + to_string(request.op) + " of " + std::to_string(request.bytes) +
         " bytes at address " + std::to_string(request.address) + " ends beyond the DRAM capacity of " +
         std::to_string(capacity) + " bytes (" + std::to_string(spec_.channels) + " channels of " +
         std::to_string(spec_.channel_capacity_bytes()) + " bytes)";
}

void DramController::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* request = trans.get_extension<DramRequest>();
  if (request == nullptr) {
    ++stats_.rejected_requests;
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  request->error = refusal(*request);
  if (!request->error.empty()) {
    ++stats_.rejected_requests;
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }

  // Every channel sees the same issue time; each reserves its own bus and annotates its end.
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  request->data_start = request->data_end = now + delay;
  bool first = true;
  const std::vector<ChannelShare> shares = split_by_channel(spec_, request->address, request->bytes);
  for (std::uint32_t c = 0; c < spec_.channels; ++c) {
    if (shares[c].bytes == 0) continue;
    DramRequest part;
    part.op = request->op;
    part.address = shares[c].local_address;
    part.bytes = shares[c].bytes;
    part.tag = request->tag;
    tlm::tlm_generic_payload payload;
    payload.set_command(request->op == DramOp::Read ? tlm::TLM_READ_COMMAND : tlm::TLM_WRITE_COMMAND);
    payload.set_address(part.address);
    payload.set_extension(&part);
    sc_core::sc_time channel_delay = delay;
    (*channel_sockets_[c])->b_transport(payload, channel_delay);
    payload.clear_extension(&part);
    if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) {
      request->error =
          part.error.empty() ? std::string(name()) + ": channel " + std::to_string(c) + " refused the request" : part.error;
      ++stats_.rejected_requests;
      trans.set_response_status(payload.get_response_status());
      return;
    }
    request->data_start = first ? part.data_start : std::min(request->data_start, part.data_start);
    request->data_end = first ? part.data_end : std::max(request->data_end, part.data_end);
    first = false;
  }

  ++stats_.requests;
  (request->op == DramOp::Read ? stats_.bytes_read : stats_.bytes_written) += request->bytes;
  delay = request->data_end - now;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

DramSystem::DramSystem(sc_core::sc_module_name name, const DramSpec& spec, ActivityObserver* observer)
    : sc_module(name), controller_("controller", spec) {
  for (std::uint32_t c = 0; c < spec.channels; ++c) {
    channels_.push_back(
        std::make_unique<LpddrChannel>(("channel_" + std::to_string(c)).c_str(), spec, c, observer));
    controller_.channel_socket(c).bind(channels_.back()->socket);
  }
}

DramChannelStats DramSystem::total_stats() const {
  DramChannelStats total;
  for (const auto& channel : channels_) {
    const DramChannelStats& s = channel->stats();
    total.busy_time += s.busy_time;
    total.accesses += s.accesses;
    total.bytes_read += s.bytes_read;
    total.bytes_written += s.bytes_written;
    total.energy_J += s.energy_J;
  }
  return total;
}

double DramSystem::background_energy_J(const sc_core::sc_time& span) const {
  double total = 0;
  for (const auto& channel : channels_) total += channel->background_energy_J(span);
  return total;
}

}  // namespace kvnand
