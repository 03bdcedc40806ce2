#include "flash/flash_die.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/sim_time.h"
#include "ifc/kv_kernel.h"

namespace kvnand {
namespace {
constexpr double kJoulesPerPicojoule = 1e-12;
constexpr double kJoulesPerMicrojoule = 1e-6;
}  // namespace

FlashDie::FlashDie(sc_core::sc_module_name name, const FlashSpec& spec, ChannelId channel, DieId die,
                   ActivityObserver* observer, const IfcSpec* ifc)
    : sc_module(name),
      socket("socket"),
      spec_(spec),
      channel_(channel),
      die_(die),
      observer_(observer),
      plane_detail_(observer != nullptr && observer->wants_plane_detail()),
      planes_(spec.geometry.planes_per_die),
      pages_(spec.geometry),
      wear_(spec.geometry),
      page_bits_(spec.geometry.page_total_bytes() * kBitsPerByte),
      ifc_(ifc == nullptr ? nullptr : std::make_unique<IfcEngine>(spec, *ifc)) {
  socket.register_b_transport(this, &FlashDie::b_transport);
}

void FlashDie::b_transport(tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  auto* op = trans.get_extension<NandOperation>();
  if (op == nullptr) {
    trans.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  // The channel calls at the end of the sequence's bus phase, expressed as an annotated delay.
  const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
  // Sequences that only move data give the array nothing to do.
  op->array_start = at;
  op->ready_at = at;
  bool ok = false;
  switch (op->command) {
    case NandCommand::Read: ok = read(*op, at); break;
    case NandCommand::CacheReadNext:
    case NandCommand::CacheReadLast: ok = cache_read(*op, at); break;
    case NandCommand::DataOut: ok = data_out(*op, trans); break;
    case NandCommand::Program: ok = program(*op, at); break;
    case NandCommand::Erase: ok = erase(*op, at); break;
    case NandCommand::IfcBroadcast:
    case NandCommand::IfcInput:
    case NandCommand::IfcReadout: ok = true; break;
    case NandCommand::IfcCompute: ok = ifc_compute(*op, at); break;
    case NandCommand::IfcProgram: ok = ifc_program(*op, at); break;
    case NandCommand::StreamRead: ok = stream_read(*op, at); break;
    case NandCommand::StreamDataOut: ok = stream_data_out(*op, at); break;
  }
  trans.set_response_status(ok ? tlm::TLM_OK_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE);
}

bool FlashDie::check_idle(NandOperation& op, const sc_core::sc_time& at) {
  const sc_core::sc_time busy_until =
      ifc_ == nullptr ? array_free_at_ : std::max(array_free_at_, ifc_->all_planes_free_at());
  if (at >= busy_until) return true;
  std::ostringstream msg;
  msg << name() << ": command arrived at " << at << " while the array is busy until " << busy_until;
  op.error = msg.str();
  return false;
}

bool FlashDie::check_address(NandOperation& op, PlaneMask planes, PageId page) {
  const FlashGeometry& g = spec_.geometry;
  const bool planes_ok = !planes.empty() && (g.planes_per_die == PlaneMask::kMaxPlanes ||
                                             (planes.bits() >> g.planes_per_die) == 0);
  if (planes_ok && op.block.value() < g.blocks_per_plane && page.value() < g.pages_per_block) return true;
  std::ostringstream msg;
  msg << name() << ": address out of range (plane mask 0x" << std::hex << planes.bits() << std::dec << ", block "
      << op.block.value() << ", page " << page.value() << "); the die has " << g.planes_per_die << " planes, "
      << g.blocks_per_plane << " blocks per plane, " << g.pages_per_block << " pages per block";
  op.error = msg.str();
  return false;
}

sc_core::sc_time FlashDie::occupy_array(PlaneMask planes, PlaneActivity what, const sc_core::sc_time& start,
                                        const sc_core::sc_time& duration) {
  const sc_core::sc_time end = start + duration;
  array_free_at_ = end;
  if (ifc_ != nullptr) ifc_->occupy_all_planes_until(end);
  stats_.busy_time += duration;
  if (plane_detail_)
    observer_->plane_busy(channel_, die_, planes, what, start, end);
  return end;
}

void FlashDie::array_read(PlaneId plane, BlockId block, PageId page) {
  planes_[plane.value()].data = RegisterContent{true, block, page};
  wear_.record_read(plane, block);
  ++stats_.page_reads;
  stats_.read_energy_J += page_bits_ * spec_.energy.read_pJ_per_bit * kJoulesPerPicojoule;
}

bool FlashDie::read(NandOperation& op, const sc_core::sc_time& at) {
  if (!check_idle(op, at) || !check_address(op, op.planes, op.page)) return false;
  op.planes.for_each([&](PlaneId plane) {
    array_read(plane, op.block, op.page);
    // A plain read passes the page on to the cache register within tR.
    planes_[plane.value()].cache = planes_[plane.value()].data;
  });
  op.ready_at = occupy_array(op.planes, PlaneActivity::Read, at, spec_.timing.tR);
  op.cache_ready_at = op.ready_at;
  return true;
}

bool FlashDie::cache_read(NandOperation& op, const sc_core::sc_time& at) {
  const PlaneMask plane_set = PlaneMask::single(op.plane);
  if (!check_idle(op, at)) return false;
  PlaneRegisters& regs = planes_[op.plane.value()];
  if (op.plane.value() >= spec_.geometry.planes_per_die || !regs.data.valid) {
    op.error = std::string(name()) + ": cache read without a page in the data register (issue Read first)";
    return false;
  }
  const bool last = op.command == NandCommand::CacheReadLast;
  const std::uint32_t next_page = regs.data.page.value() + 1;
  if (!last && next_page >= spec_.geometry.pages_per_block) {
    op.error = std::string(name()) + ": sequential cache read past the end of the block";
    return false;
  }
  regs.cache = regs.data;
  op.cache_ready_at = occupy_array(plane_set, PlaneActivity::CacheCopy, at, spec_.timing.tRCBSY);
  if (last) {
    regs.data.valid = false;
    op.ready_at = op.cache_ready_at;
    return true;
  }
  array_read(op.plane, regs.data.block, PageId(next_page));
  op.ready_at = occupy_array(plane_set, PlaneActivity::Read, op.cache_ready_at, spec_.timing.tR);
  return true;
}

bool FlashDie::data_out(NandOperation& op, tlm::tlm_generic_payload& trans) {
  if (op.plane.value() >= spec_.geometry.planes_per_die || !planes_[op.plane.value()].cache.valid) {
    op.error = std::string(name()) + ": data out from a plane whose cache register holds no page";
    return false;
  }
  const RegisterContent& cache = planes_[op.plane.value()].cache;
  if (trans.get_data_ptr() != nullptr) pages_.read(op.plane, cache.block, cache.page, trans.get_data_ptr());
  return true;
}

bool FlashDie::program(NandOperation& op, const sc_core::sc_time& at) {
  if (!check_idle(op, at) || !check_address(op, op.planes, op.page)) return false;
  bool all_erased = true;
  op.planes.for_each([&](PlaneId plane) { all_erased = all_erased && !pages_.is_programmed(plane, op.block, op.page); });
  if (!all_erased) {
    std::ostringstream msg;
    msg << name() << ": program of block " << op.block.value() << " page " << op.page.value()
        << " that is already programmed; erase the block first";
    op.error = msg.str();
    return false;
  }
  std::size_t slot = 0;
  op.planes.for_each([&](PlaneId plane) {
    pages_.program(plane, op.block, op.page, op.program_data[slot++]);
    // Programming goes through both registers; neither holds a readable page afterwards.
    planes_[plane.value()] = PlaneRegisters{};
    ++stats_.page_programs;
    stats_.program_energy_J += page_bits_ * spec_.energy.program_pJ_per_bit * kJoulesPerPicojoule;
  });
  op.ready_at = occupy_array(op.planes, PlaneActivity::Program, at, spec_.timing.tPROG);
  return true;
}

bool FlashDie::erase(NandOperation& op, const sc_core::sc_time& at) {
  if (!check_idle(op, at) || !check_address(op, op.planes, PageId(0))) return false;
  op.planes.for_each([&](PlaneId plane) {
    pages_.erase(plane, op.block);
    wear_.record_erase(plane, op.block);
    planes_[plane.value()] = PlaneRegisters{};
    ++stats_.block_erases;
    stats_.erase_energy_J += spec_.energy.erase_uJ_per_block * kJoulesPerMicrojoule;
  });
  op.ready_at = occupy_array(op.planes, PlaneActivity::Erase, at, spec_.timing.tBERS);
  return true;
}

bool FlashDie::ifc_compute(NandOperation& op, const sc_core::sc_time& at) {
  if (ifc_ == nullptr) {
    op.error = std::string(name()) + ": in-flash-compute command to a die without compute logic (no \"ifc\" section)";
    return false;
  }
  try {
    // The logic die queues the kernel behind any classic command still occupying the array.
    const IfcStreamResult result = ifc_->stream(op.stream, std::max(at, array_free_at_), stage_reporter(op.stream));
    if (plane_detail_) report_stage_spans();
    op.compute_start = result.start;
    op.array_start = result.start;
    op.ready_at = result.end;
    op.program_stall = result.program_stall;
    if (op.kernel_data != nullptr) compute_values(op);
  } catch (const std::invalid_argument& e) {
    op.error = std::string(name()) + ": " + e.what();
    return false;
  }
  return true;
}

bool FlashDie::ifc_program(NandOperation& op, const sc_core::sc_time& at) {
  if (op.plane.value() >= spec_.geometry.planes_per_die || op.program_bytes == 0 ||
      op.program_bytes > spec_.geometry.page_data_bytes) {
    std::ostringstream msg;
    msg << name() << ": KV page program on plane " << op.plane.value() << " of " << op.program_bytes
        << " bytes; the die has " << spec_.geometry.planes_per_die << " planes and " << spec_.geometry.page_data_bytes
        << "-byte pages";
    op.error = msg.str();
    return false;
  }
  if (ifc_ == nullptr) return plain_program(op, at);
  if (op.kv_program != nullptr) {
    const KvProgramData& data = *op.kv_program;
    const FlashGeometry& g = spec_.geometry;
    if (data.block.value() >= g.blocks_per_plane || data.page.value() >= g.pages_per_block ||
        data.bytes.size() != op.program_bytes || data.offset + data.bytes.size() > g.page_data_bytes) {
      std::ostringstream msg;
      msg << name() << ": KV program of " << data.bytes.size() << " bytes at offset " << data.offset << " of block "
          << data.block.value() << " page " << data.page.value() << " (command: " << op.program_bytes
          << " bytes); the die has " << g.blocks_per_plane << " blocks of " << g.pages_per_block << " pages of "
          << g.page_data_bytes << " bytes";
      op.error = msg.str();
      return false;
    }
    pages_.program_part(op.plane, data.block, data.page, data.offset, data.bytes.data(), op.program_bytes);
  }
  op.ready_at = ifc_->program(op.plane, std::max(at, array_free_at_), op.program_bytes);
  op.array_start = op.ready_at - spec_.timing.tPROG;
  if (plane_detail_)
    observer_->plane_busy(channel_, die_, PlaneMask::single(op.plane), PlaneActivity::Program, op.array_start,
                          op.ready_at);
  return true;
}

bool FlashDie::plain_program(NandOperation& op, const sc_core::sc_time& at) {
  if (op.kv_program != nullptr) {
    op.error = std::string(name()) + ": K/V values programmed into a die without compute logic (timing only)";
    return false;
  }
  // A plain NAND die (Base-2's KV dies) programs with its whole array, after what it is doing.
  op.array_start = std::max(at, array_free_at_);
  ++stats_.page_programs;
  // The spare area grows with the data it protects (as on a die with compute logic).
  const double bits = static_cast<double>(op.program_bytes) * page_bits_ / spec_.geometry.page_data_bytes;
  stats_.program_energy_J += bits * spec_.energy.program_pJ_per_bit * kJoulesPerPicojoule;
  op.ready_at = occupy_array(PlaneMask::single(op.plane), PlaneActivity::Program, op.array_start, spec_.timing.tPROG);
  return true;
}

bool FlashDie::stream_read(NandOperation& op, const sc_core::sc_time& at) {
  const PlaneMask planes = planes_with_pages(op.stream.pages_per_plane);
  const std::uint32_t plane_count = spec_.geometry.planes_per_die;
  const std::uint64_t beyond = plane_count < PlaneMask::kMaxPlanes ? planes.bits() >> plane_count : 0;
  if (stream_.active || planes.empty() || beyond != 0) {
    std::ostringstream msg;
    msg << name() << ": ";
    if (stream_.active)
      msg << "stream read while another stream's pages still wait for the bus";
    else if (planes.empty())
      msg << "stream read without pages";
    else
      msg << "stream read has pages on plane " << plane_count + static_cast<std::uint32_t>(__builtin_ctzll(beyond))
          << ", but the die has " << plane_count << " planes (0.." << plane_count - 1 << ")";
    op.error = msg.str();
    return false;
  }
  // Unlike a single read, a stream queues behind whatever holds the array (or the compute logic).
  sc_core::sc_time start = std::max(at, array_free_at_);
  if (ifc_ != nullptr) start = std::max(start, ifc_->all_planes_free_at());
  const StreamReadoutTimes times = stream_readout_times(spec_.timing, op.stream_bus, op.stream.pages_per_plane, start);
  const std::uint64_t pages = total_pages(op.stream.pages_per_plane);
  stats_.page_reads += pages;
  stats_.read_energy_J += static_cast<double>(pages) * page_bits_ * spec_.energy.read_pJ_per_bit * kJoulesPerPicojoule;
  // The stream leaves no page a later cache read or data-out could name.
  planes.for_each([&](PlaneId plane) { planes_[plane.value()] = PlaneRegisters{}; });
  op.array_start = start;
  op.ready_at = occupy_array(planes, PlaneActivity::Read, start, times.earliest_end - start);
  op.cache_ready_at = times.first_out;
  stream_ = PendingStream{true, planes, times.array_end, op.ready_at};
  return true;
}

bool FlashDie::stream_data_out(NandOperation& op, const sc_core::sc_time& at) {
  if (!stream_.active) {
    op.error = std::string(name()) + ": stream data out without a stream read";
    return false;
  }
  // `at` ends the bus tenure of all pages; the planes' own pipelines may end later still.
  const sc_core::sc_time end = std::max(at, stream_.array_end);
  const sc_core::sc_time reserved = stream_.reserved_until;
  op.array_start = reserved;
  op.ready_at = end > reserved ? occupy_array(stream_.planes, PlaneActivity::Read, reserved, end - reserved) : reserved;
  stream_ = PendingStream{};
  return true;
}

std::function<void(PlaneId, const PageStageInterval&)> FlashDie::stage_reporter(const IfcStreamCommand& cmd) {
  if (!plane_detail_) return {};
  stage_spans_.clear();
  // A plane computes from its first page entering the array to its last page leaving the PEs
  // (in stream mode the spans of the Array and Pe stages).
  const bool spans = ifc_->spec().mode == PipelineMode::Stream;
  return [this, spans, pages = cmd.pages_per_plane,
          starts = std::array<sc_core::sc_time, PlaneMask::kMaxPlanes>{}](PlaneId plane,
                                                                        const PageStageInterval& interval) mutable {
    const std::uint32_t p = plane.value();
    if (interval.stage == PipelineStage::Array) {
      if (interval.page == 0) starts[p] = interval.start;
      return;
    }
    stage_spans_.add(interval.stage, interval.start, interval.end, plane);
    if (interval.stage == PipelineStage::Pe && (spans || interval.page + 1 == pages[p]))
      stage_spans_.add(PipelineStage::Array, starts[p], interval.end, plane);
  };
}

void FlashDie::report_stage_spans() {
  // The Array entries are the planes' whole compute intervals.
  for (const StageSpans::Span& span : stage_spans_.spans()) {
    if (span.stage == PipelineStage::Array)
      observer_->plane_busy(channel_, die_, span.planes, PlaneActivity::Compute, span.start, span.end);
    else
      observer_->stage_busy(channel_, die_, span.planes, span.stage, span.start, span.end);
  }
  stage_spans_.clear();
}

void FlashDie::compute_values(NandOperation& op) {
  KvKernelData& data = *op.kernel_data;
  const FlashGeometry& g = spec_.geometry;
  for (const KvPageRef& ref : data.pages) {
    const bool on_die = ref.plane.value() < g.planes_per_die && ref.block.value() < g.blocks_per_plane &&
                        ref.page.value() < g.pages_per_block;
    if (!on_die || !pages_.is_programmed(ref.plane, ref.block, ref.page))
      throw std::invalid_argument("KV kernel reads plane " + std::to_string(ref.plane.value()) + " block " +
                                  std::to_string(ref.block.value()) + " page " + std::to_string(ref.page.value()) +
                                  ", which holds no programmed page");
    if (op.stream.pages_per_plane[ref.plane.value()] == 0)
      throw std::invalid_argument("KV kernel data names plane " + std::to_string(ref.plane.value()) +
                                  ", which the command does not use");
  }
  run_kv_kernel(op.stream.kernel, data, g.page_data_bytes, [this](const KvPageRef& ref, std::uint8_t* out) {
    pages_.read(ref.plane, ref.block, ref.page, out);
  });
}

}  // namespace kvnand
