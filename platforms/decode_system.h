// A whole system for decode: the flash subsystem with IFC dies, the NPU, the DRAM on platforms
// that have one (Base-1) and the SoC runtime, joined by TLM sockets (runtime -> flash controller,
// runtime -> NPU, runtime -> DRAM controller).
#pragma once

#include <functional>
#include <memory>

#include <systemc>

#include "dataflow/decode_plan.h"
#include "dataflow/decode_runtime.h"
#include "dram/dram_controller.h"
#include "npu/npu.h"
#include "platforms/flash_platform.h"

namespace kvnand {

class DecodeSystem : public sc_core::sc_module {
 public:
  /// The config must hold the decode sections (ifc, npu, dataflow); the plan must fit (no OOM).
  DecodeSystem(sc_core::sc_module_name name, const PlatformConfig& config, DecodePlan& plan,
               ActivityObserver* observer, std::function<void()> on_finished,
               std::function<bool()> interrupted = {},
               RuntimeDriver driver = RuntimeDriver::TokenLoop);

  const FlashPlatform& flash() const { return *flash_; }
  CommandScheduler& scheduler() { return flash_->scheduler(); }
  const Npu& npu() const { return *npu_; }
  /// The DRAM, or null on platforms without one.
  const DramSystem* dram() const { return dram_.get(); }
  const DecodeRuntime& runtime() const { return *runtime_; }
  DecodeRuntime& runtime() { return *runtime_; }

 private:
  std::unique_ptr<FlashPlatform> flash_;
  std::unique_ptr<Npu> npu_;
  std::unique_ptr<DramSystem> dram_;
  std::unique_ptr<DecodeRuntime> runtime_;
};

}  // namespace kvnand
