#include "platforms/platform_config.h"

namespace kvnand {
namespace {

PlatformConfig read_platform(config::Document document) {
  PlatformConfig platform;
  config::Node root = document.root();
  platform.name = root.text_or("name", "unnamed");
  root.text_or("description", "");
  platform.flash = parse_flash_spec(root.object("flash"));
  platform.channels = parse_channel_spec(root.object("channels"));
  platform.controller = parse_controller_spec(root.object("controller"), platform.flash.geometry.planes_per_die);
  root.finish();
  platform.resolved = document.resolved();
  return platform;
}

}  // namespace

PlatformConfig load_platform(const std::string& path, const std::vector<config::Override>& overrides) {
  return read_platform(config::Document::load_file(path, overrides));
}

PlatformConfig load_platform_text(const std::string& json_text, const std::string& origin,
                                  const std::vector<config::Override>& overrides) {
  return read_platform(config::Document::load_text(json_text, origin, overrides));
}

}  // namespace kvnand
