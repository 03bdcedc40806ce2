#include "platforms/decode_system.h"

#include <utility>

namespace kvnand {

DecodeSystem::DecodeSystem(sc_core::sc_module_name name, const PlatformConfig& config, DecodePlan& plan,
                           ActivityObserver* observer, std::function<void()> on_finished,
                           std::function<bool()> interrupted, RuntimeDriver driver)
    : sc_module(name) {
  flash_ = std::make_unique<FlashPlatform>("flash", config, observer);
  npu_ = std::make_unique<Npu>("npu", *config.npu, observer);
  runtime_ = std::make_unique<DecodeRuntime>("runtime", plan, config.flash.geometry, *config.ifc,
                                             std::move(on_finished), std::move(interrupted), driver, observer);
  runtime_->flash_socket.bind(flash_->host_socket());
  runtime_->npu_socket.bind(npu_->socket);
  if (config.dram) {
    dram_ = std::make_unique<DramSystem>("dram", *config.dram, observer);
    runtime_->dram_socket.bind(dram_->host_socket());
  }
}

}  // namespace kvnand
