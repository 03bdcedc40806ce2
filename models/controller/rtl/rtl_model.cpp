#include "controller/rtl/rtl_model.h"

#include <cstdint>
#include <stdexcept>

#include "Vkvnand_rtl_scheduler.h"
#include "verilated_vcd_sc.h"

namespace kvnand::rtl {
namespace {
// Trace every level of the hierarchy (Verilator's levels argument: depth below the top).
constexpr int kAllTraceLevels = 99;
}  // namespace

Model::Model(const char* name, Ports& ports) {
  // Verilator must know before the model's first evaluation that it may be traced.
  Verilated::traceEverOn(true);
  model_ = std::make_unique<Vkvnand_rtl_scheduler>(name);
  Vkvnand_rtl_scheduler& m = *model_;
  m.clk(ports.clk);
  m.rst_n(ports.rst_n.signal());
  m.cfg_dies_per_channel(ports.cfg_dies_per_channel.signal());
  m.cfg_queue_depth(ports.cfg_queue_depth.signal());
  m.cfg_max_planes(ports.cfg_max_planes.signal());
  m.cfg_cache_read(ports.cfg_cache_read.signal());
  m.req_valid(ports.req_valid.signal());
  m.req_ready(ports.req_ready.signal());
  m.req_op(ports.req_op.signal());
  m.req_channel(ports.req_channel.signal());
  m.req_die(ports.req_die.signal());
  m.req_planes(ports.req_planes.signal());
  m.req_block(ports.req_block.signal());
  m.req_page(ports.req_page.signal());
  m.req_pages(ports.req_pages.signal());
  m.req_tag(ports.req_tag.signal());
  m.die_ready(ports.die_ready.signal());
  m.cmd_valid(ports.cmd_valid.signal());
  m.cmd_ready(ports.cmd_ready.signal());
  m.cmd_op(ports.cmd_op.signal());
  m.cmd_channel(ports.cmd_channel.signal());
  m.cmd_die(ports.cmd_die.signal());
  m.cmd_planes(ports.cmd_planes.signal());
  m.cmd_block(ports.cmd_block.signal());
  m.cmd_page(ports.cmd_page.signal());
  m.cmd_pages(ports.cmd_pages.signal());
  m.cmd_count(ports.cmd_count.signal());
  m.cmd_tag(ports.cmd_tag.signal());
  m.cpl_valid(ports.cpl_valid.signal());
  m.cpl_op(ports.cpl_op.signal());
  m.cpl_channel(ports.cpl_channel.signal());
  m.cpl_die(ports.cpl_die.signal());
  m.cpl_tag(ports.cpl_tag.signal());
  m.active(ports.active.signal());
  m.inflight(ports.inflight.signal());
}

Model::~Model() { close_vcd(); }

void Model::open_vcd(const std::string& path) {
  close_vcd();
  // VerilatedVcdSc registers itself with the kernel, which dumps it at the end of every time step.
  vcd_ = std::make_unique<VerilatedVcdSc>();
  model_->trace(vcd_.get(), kAllTraceLevels);
  vcd_->open(path.c_str());
  if (!vcd_->isOpen()) {
    close_vcd();
    throw std::runtime_error("cannot open the RTL scheduler's VCD file '" + path + "'");
  }
}

void Model::close_vcd() {
  if (!vcd_) return;
  // The kernel dumps a time step once time moves past it; the current one is dumped here.
  vcd_->dump(static_cast<std::uint64_t>(sc_core::sc_time_stamp().value()));
  vcd_->close();
  // The kernel deletes the trace files it still knows when it is torn down, so unregister first.
  // VerilatedVcdSc derives privately from sc_trace_file; a C-style cast is the one way to its base.
  sc_core::sc_get_curr_simcontext()->remove_trace_file((sc_core::sc_trace_file*)vcd_.get());
  vcd_.reset();
}

}  // namespace kvnand::rtl
