#include "platforms/trace_setup.h"

namespace kvnand {

TraceLayout trace_layout(const PlatformConfig& config, const DecodePlan* plan) {
  if (plan == nullptr || !config.ifc || !config.dataflow) {
    TraceLayout layout;
    layout.channels = config.channels.count;
    layout.dies_per_channel = config.channels.dies_per_channel;
    layout.planes_per_die = config.flash.geometry.planes_per_die;
    layout.platform = config.name;
    layout.scheduler = config.controller.scheduler == SchedulerKind::Rtl ? "rtl" : "tlm";
    layout.scheduler_clock_ps = config.controller.clock_period.value();
    return layout;
  }
  return trace_layout(config, plan->model(), plan->options().context_tokens + plan->options().decode_tokens);
}

TraceLayout trace_layout(const PlatformConfig& config, const ModelSpec& model, std::uint64_t max_token) {
  TraceLayout layout = trace_layout(config, nullptr);
  layout.decode = true;
  layout.kv_buffer_on_dies = config.dataflow->variant == Variant::Compact;
  layout.kv_buffer_bytes =
      layout.kv_buffer_on_dies ? config.ifc->kv_buffer_bytes_per_plane : config.dataflow->soc_kv_buffer_bytes;
  layout.global_buffer_bytes = config.ifc->global_buffer_bytes;
  layout.layers = model.layers;
  layout.kv_heads = model.kv_heads;
  layout.max_token = max_token;
  // Only decode systems instantiate the DRAM (flash microbenchmarks do not).
  if (config.dram) {
    layout.dram_channels = config.dram->channels;
    layout.dram_channel_bytes = config.dram->channel_capacity_bytes();
  }
  return layout;
}

}  // namespace kvnand
