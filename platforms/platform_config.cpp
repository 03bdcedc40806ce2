#include "platforms/platform_config.h"

namespace kvnand {
namespace {

PlatformConfig read_platform(config::Document document, const std::string& origin) {
  PlatformConfig platform;
  platform.origin = origin;
  config::Node root = document.root();
  platform.name = root.text_or("name", "unnamed");
  root.text_or("description", "");
  platform.flash = parse_flash_spec(root.object("flash"));
  platform.channels = parse_channel_spec(root.object("channels"));
  platform.controller = parse_controller_spec(root.object("controller"), platform.flash.geometry.planes_per_die);
  const bool any_decode = root.has("ifc") || root.has("npu") || root.has("dataflow");
  if (any_decode) {
    for (const char* key : {"ifc", "npu", "dataflow"})
      if (!root.has(key))
        root.fail(key, "missing; a platform that runs decode needs all of \"ifc\", \"npu\" and \"dataflow\"");
    platform.ifc = parse_ifc_spec(root.object("ifc"));
    platform.npu = parse_npu_spec(root.object("npu"));
    platform.dataflow = parse_dataflow_spec(root.object("dataflow"), platform.channels.total_dies());
  }
  if (root.has("session")) platform.session = parse_session_spec(root.object("session"));
  if (root.has("trace")) platform.trace = parse_trace_spec(root.object("trace"));
  root.finish();
  platform.resolved = document.resolved();
  return platform;
}

}  // namespace

PlatformConfig load_platform(const std::string& path, const std::vector<config::Override>& overrides) {
  return read_platform(config::Document::load_file(path, overrides), path);
}

PlatformConfig load_platform_text(const std::string& json_text, const std::string& origin,
                                  const std::vector<config::Override>& overrides) {
  return read_platform(config::Document::load_text(json_text, origin, overrides), origin);
}

}  // namespace kvnand
