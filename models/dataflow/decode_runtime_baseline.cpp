// DecodeRuntime: the baselines' KV paths, KV pages read out of plain NAND dies (nand_kv) and KV
// reads and writes in DRAM (dram_kv); the NPU then computes attention itself.
#include <string>

#include "dataflow/dataflow_step.h"
#include "dataflow/decode_runtime.h"
#include "dram/dram_request.h"
#include "flash/stream_readout.h"

namespace kvnand {

void DecodeRuntime::kv_readout(const std::vector<DieKvWork>& work, const CommandTag& tag) {
  const DieGroup& group = plan_.kv_group();
  const Phase phase = tag.phase.value_or(Phase::Transfer);
  fan_out_work(group, work, 0, tag, [&](std::uint32_t die_index, const DieKvWork& w) {
    IfcRequest request;
    request.op = IfcHostOp::ReadPages;
    request.tag = tag;
    request.channel = group.dies[die_index].channel;
    request.die = group.dies[die_index].die;
    request.stream.kernel = IfcKernel::ReadOut;
    request.stream.pages_per_plane = w.pages_per_plane;
    page_reads_ += total_pages(request.stream.pages_per_plane);
    const sc_core::sc_time issued = sc_core::sc_time_stamp();
    transport_flash(request);
    // Loading the KV pages (waiting for the die and the bus included) is the memory-bound part
    // of the attention kernel it feeds.
    breakdown_.record(phase, issued, sc_core::sc_time_stamp());
  });
}

void DecodeRuntime::dram_access(bool write, std::uint64_t address, std::uint64_t bytes, const CommandTag& tag) {
  const DataflowStep step(observer_, tag);
  auto* request = new DramRequest;
  request->op = write ? DramOp::Write : DramOp::Read;
  request->address = address;
  request->bytes = bytes;
  request->tag = tag;
  tlm::tlm_generic_payload payload;
  payload.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
  payload.set_extension(request);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  const sc_core::sc_time issued = sc_core::sc_time_stamp();
  dram_socket->b_transport(payload, delay);
  if (delay > sc_core::SC_ZERO_TIME) sc_core::wait(delay);
  if (payload.get_response_status() != tlm::TLM_OK_RESPONSE) fail("DRAM access refused: " + request->error);
  breakdown_.record(tag.phase.value_or(Phase::Transfer), issued, sc_core::sc_time_stamp());
}

}  // namespace kvnand
