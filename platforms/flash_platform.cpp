#include "platforms/flash_platform.h"

#include <string>

#include "dataflow/decode_plan.h"

namespace kvnand {

FlashPlatform::FlashPlatform(sc_core::sc_module_name name, const PlatformConfig& config,
                             ActivityObserver* observer)
    : sc_module(name), config_(config) {
  const ChannelSpec& ch = config.channels;
  // nand_kv: the KV group's dies are plain NAND (kv_flash, no compute logic).
  std::vector<bool> plain(ch.total_dies(), false);
  if (config.kv_flash)
    for (const DieRef& die : die_groups(ch, *config.dataflow).kv.dies)
      plain[die.channel.value() * ch.dies_per_channel + die.die.value()] = true;
  controller_ = std::make_unique<FlashController>("controller", config.controller, ch, config.flash.geometry,
                                                  observer);
  for (std::uint32_t c = 0; c < ch.count; ++c) {
    const ChannelId channel(c);
    channels_.push_back(std::make_unique<FlashChannel>(("channel" + std::to_string(c)).c_str(), ch, config.flash,
                                                       channel, observer));
    controller_->channel_socket(channel).bind(channels_.back()->controller_socket);
    for (std::uint32_t d = 0; d < ch.dies_per_channel; ++d) {
      const DieId die(d);
      const std::string die_name = "channel" + std::to_string(c) + "_die" + std::to_string(d);
      const bool is_plain = plain[c * ch.dies_per_channel + d];
      dies_.push_back(std::make_unique<FlashDie>(die_name.c_str(), is_plain ? *config.kv_flash : config.flash, channel,
                                                 die, observer, config.ifc && !is_plain ? &*config.ifc : nullptr));
      channels_.back()->die_socket(die).bind(dies_.back()->socket);
    }
  }
}

}  // namespace kvnand
