// What the trace writers need to know about a platform: its shape, and for decode runs the
// model's and buffers' sizes.
#pragma once

#include <cstdint>

#include "dataflow/decode_plan.h"
#include "dataflow/model_spec.h"
#include "platforms/platform_config.h"
#include "traces/trace_layout.h"

namespace kvnand {

/// The layout of a flash-only run (plan null) or of a decode run.
TraceLayout trace_layout(const PlatformConfig& config, const DecodePlan* plan);
/// The layout of a decode run of `model` on a decode platform whose tokens reach `max_token`.
TraceLayout trace_layout(const PlatformConfig& config, const ModelSpec& model, std::uint64_t max_token);

}  // namespace kvnand
