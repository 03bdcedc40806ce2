#include "dram/lpddr_channel.h"

#include <algorithm>
#include <string>

#include "common/sim_time.h"

namespace kvnand {
namespace {
constexpr double kJoulesPerPicojoule = 1e-12;
constexpr double kWattsPerMilliwatt = 1e-3;
}  // namespace

LpddrChannel::LpddrChannel(sc_core::sc_module_name name, const DramSpec& spec, std::uint32_t index,
                           ActivityObserver* observer)
    : sc_module(name),
      socket("socket"),
      spec_(spec),
      index_(index),
      capacity_bytes_(spec.channel_capacity_bytes()),
      observer_(observer) {
  socket.register_b_transport(this, &LpddrChannel::b_transport);
}

double LpddrChannel::background_energy_J(const sc_core::sc_time& span) const {
  return spec_.background_power_mW_per_channel * kWattsPerMilliwatt * span.to_seconds();
}

void LpddrChannel::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* request = trans.get_extension<DramRequest>();
  if (request == nullptr) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  if (request->bytes > capacity_bytes_ || request->address > capacity_bytes_ - request->bytes) {
    request->error = std::string(name()) + ": " + to_string(request->op) + " of " + std::to_string(request->bytes) +
                     " bytes at channel address " + std::to_string(request->address) +
                     " ends beyond the channel capacity of " + std::to_string(capacity_bytes_) + " bytes";
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  request->error.clear();
  const sc_core::sc_time now = sc_core::sc_time_stamp();
  const sc_core::sc_time issue = now + delay;
  if (request->bytes == 0) {
    request->data_start = request->data_end = issue;
    trans.set_response_status(tlm::TLM_OK_RESPONSE);
    return;
  }

  const std::uint64_t bursts = (request->bytes + spec_.burst_bytes - 1) / spec_.burst_bytes;
  const std::uint64_t moved = bursts * spec_.burst_bytes;
  const sc_core::sc_time duration = transfer_time(moved, spec_.bandwidth_GBps_per_channel);
  request->data_start = std::max(issue + spec_.access_latency, free_at_);
  request->data_end = request->data_start + duration;
  free_at_ = request->data_end;

  ++stats_.accesses;
  stats_.busy_time += duration;
  (request->op == DramOp::Read ? stats_.bytes_read : stats_.bytes_written) += moved;
  // Recomputed from the byte totals, so the energy does not depend on how accesses were cut.
  stats_.energy_J = static_cast<double>(stats_.bytes_read + stats_.bytes_written) * kBitsPerByte *
                    spec_.energy_pJ_per_bit * kJoulesPerPicojoule;
  if (observer_ != nullptr)
    observer_->dram_access(index_, request->op == DramOp::Write, moved, request->data_start, request->data_end,
                           request->tag);

  delay = request->data_end - now;
  trans.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace kvnand
