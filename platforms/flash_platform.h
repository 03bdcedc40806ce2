// The flash subsystem assembled from a platform config: controller -> channels -> dies, all
// joined by TLM sockets. The host binds its initiator socket to `host_socket()`.
#pragma once

#include <memory>
#include <vector>

#include <systemc>

#include "channel/flash_channel.h"
#include "common/activity_observer.h"
#include "controller/flash_controller.h"
#include "flash/flash_die.h"
#include "platforms/platform_config.h"

namespace kvnand {

class FlashPlatform : public sc_core::sc_module {
 public:
  /// `observer` (may be null) sees every bus and array activity; it must outlive the platform.
  FlashPlatform(sc_core::sc_module_name name, const PlatformConfig& config, ActivityObserver* observer);

  auto& host_socket() { return controller_->host_socket; }
  const PlatformConfig& config() const { return config_; }
  const FlashController& controller() const { return *controller_; }
  CommandScheduler& scheduler() { return controller_->scheduler(); }
  const FlashChannel& channel(ChannelId c) const { return *channels_.at(c.value()); }
  const FlashDie& die(ChannelId c, DieId d) const {
    return *dies_.at(c.value() * config_.channels.dies_per_channel + d.value());
  }

 private:
  PlatformConfig config_;
  std::unique_ptr<FlashController> controller_;
  std::vector<std::unique_ptr<FlashChannel>> channels_;
  std::vector<std::unique_ptr<FlashDie>> dies_;
};

}  // namespace kvnand
