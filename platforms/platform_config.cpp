#include "platforms/platform_config.h"

#include "controller/scheduler_factory.h"

namespace kvnand {
namespace {

bool same_geometry(const FlashGeometry& a, const FlashGeometry& b) {
  return a.page_data_bytes == b.page_data_bytes && a.page_spare_bytes == b.page_spare_bytes &&
         a.pages_per_block == b.pages_per_block && a.blocks_per_plane == b.blocks_per_plane &&
         a.planes_per_die == b.planes_per_die;
}

/// The baselines' extra parts: "dram" (dram_kv) and "kv_flash" (nand_kv), each refused elsewhere.
void read_baseline_parts(config::Node& root, PlatformConfig& platform) {
  const Variant variant = platform.dataflow ? platform.dataflow->variant : Variant::Compact;
  const std::string named = std::string("dataflow.variant is \"") + to_string(variant) + "\"";
  if (variant == Variant::DramKv && !root.has("dram"))
    root.fail("dram", "missing; the dram_kv variant keeps the KV cache in the DRAM this section describes");
  if (root.has("dram")) {
    if (variant != Variant::DramKv) root.fail("dram", "applies to the dram_kv variant only (" + named + ")");
    platform.dram = parse_dram_spec(root.object("dram"));
  }
  if (variant != Variant::NandKv) {
    if (root.has("kv_flash")) root.fail("kv_flash", "applies to the nand_kv variant only (" + named + ")");
    return;
  }
  platform.kv_flash = root.has("kv_flash") ? parse_flash_spec(root.object("kv_flash")) : platform.flash;
  if (!same_geometry(platform.kv_flash->geometry, platform.flash.geometry))
    root.fail("kv_flash", "geometry must equal flash.geometry (the channels move pages of one size and the KV "
                          "mapping counts blocks of one shape); timing and energy may differ");
}

PlatformConfig read_platform(config::Document document, const std::string& origin) {
  PlatformConfig platform;
  platform.origin = origin;
  config::Node root = document.root();
  platform.name = root.text_or("name", "unnamed");
  root.text_or("description", "");
  platform.flash = parse_flash_spec(root.object("flash"));
  platform.channels = parse_channel_spec(root.object("channels"));
  platform.controller = parse_controller_spec(root.object("controller"), platform.flash.geometry.planes_per_die);
  if (const auto misfit = scheduler_misfit(platform.controller, platform.channels))
    root.fail(misfit->key, misfit->problem);
  const bool any_decode = root.has("ifc") || root.has("npu") || root.has("dataflow");
  if (any_decode) {
    for (const char* key : {"ifc", "npu", "dataflow"})
      if (!root.has(key))
        root.fail(key, "missing; a platform that runs decode needs all of \"ifc\", \"npu\" and \"dataflow\"");
    platform.ifc = parse_ifc_spec(root.object("ifc"));
    platform.npu = parse_npu_spec(root.object("npu"));
    platform.dataflow = parse_dataflow_spec(root.object("dataflow"), platform.channels.total_dies());
  }
  read_baseline_parts(root, platform);
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
