// FlashController: page-stream read-outs (IfcHostOp::ReadPages), one per die at a time, those
// that wait for the die merged into one multi-plane cache read.
#include "common/sim_time.h"
#include "controller/flash_controller.h"
#include "flash/stream_readout.h"

namespace kvnand {

bool FlashController::serve_readout(IfcRequest& request) {
  StreamGate& gate = stream_gates_[request.channel.value() * channels_.dies_per_channel + request.die.value()];
  ReadoutWaiter self;
  self.request = &request;
  if (gate.in_flight) {
    gate.waiting.push_back(&self);
    while (self.state == ReadoutWaiter::State::Waiting) sc_core::wait(gate.changed);
    if (self.state == ReadoutWaiter::State::Done) return self.ok;
  }
  gate.in_flight = true;
  // A leader serves the requests that waited with it; they were queued in arrival order.
  std::vector<ReadoutWaiter*> batch{&self};
  if (self.state == ReadoutWaiter::State::Leading) {
    const std::size_t taken = spec_.merge_stream_reads ? gate.waiting.size() : 1;
    batch.assign(gate.waiting.begin(), gate.waiting.begin() + static_cast<std::ptrdiff_t>(taken));
    gate.waiting.erase(gate.waiting.begin(), gate.waiting.begin() + static_cast<std::ptrdiff_t>(taken));
  }

  // The die reads every page of the batch in one multi-plane cache read, for the first request's tag.
  IfcRequest merged = *batch.front()->request;
  for (std::size_t i = 1; i < batch.size(); ++i)
    for (std::size_t p = 0; p < merged.stream.pages_per_plane.size(); ++p)
      merged.stream.pages_per_plane[p] += batch[i]->request->stream.pages_per_plane[p];
  const bool ok = run_stream(merged);
  const std::uint64_t bytes_per_page = merged.output_bytes / total_pages(merged.stream.pages_per_plane);
  for (ReadoutWaiter* member : batch) {
    IfcRequest& r = *member->request;
    r.error = merged.error;
    r.delivered_at = merged.delivered_at;
    r.compute_start = merged.compute_start;
    r.compute_end = merged.compute_end;
    r.output_bytes = ok ? bytes_per_page * total_pages(r.stream.pages_per_plane) : 0;
    member->ok = ok;
    member->state = ReadoutWaiter::State::Done;
  }
  if (gate.waiting.empty())
    gate.in_flight = false;
  else
    gate.waiting.front()->state = ReadoutWaiter::State::Leading;
  gate.changed.notify(sc_core::SC_ZERO_TIME);
  return ok;
}

bool FlashController::read_pages(IfcRequest& request, NandOperation& op) {
  op.command = NandCommand::StreamRead;
  op.stream = request.stream;
  op.stream.kernel = IfcKernel::ReadOut;
  op.stream.macs_per_page = 0;
  op.stream_page_bytes = spec_.readout_spare_bytes ? geometry_.page_total_bytes() : geometry_.page_data_bytes;
  sc_core::sc_time bus_end;
  bool ok = send_ifc(request, op, bus_end);
  if (ok) {
    request.delivered_at = bus_end;
    request.compute_start = op.array_start;
    wait_until(op.cache_ready_at);
    op.command = NandCommand::StreamDataOut;
    ok = send_ifc(request, op, bus_end);
  }
  if (ok) {
    request.compute_end = op.ready_at;
    request.output_bytes = std::uint64_t{op.stream_page_bytes} * total_pages(op.stream.pages_per_plane);
    wait_until(op.ready_at);
  }
  return ok;
}

}  // namespace kvnand
