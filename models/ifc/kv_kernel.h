// The values a die's PEs compute for a logit or attend kernel: page by page, each plane's PEs
// (FP32 fused multiply-accumulate, pe_kernels.h) over the K or V vectors the page holds.
#pragma once

#include <cstdint>
#include <functional>

#include "ifc/ifc_engine.h"
#include "ifc/kv_data.h"

namespace kvnand {

/// Reads a page's data bytes into `out` (page_data_bytes).
using KvPageReader = std::function<void(const KvPageRef& page, std::uint8_t* out)>;

/// Runs `kernel` (Logit or Attend) over data.pages. Attend accumulates into each page's plane block
/// of data.output (planes_per_die blocks of heads x head_dim). Throws std::invalid_argument for
/// another kernel or a page holding more tokens than fit.
void run_kv_kernel(IfcKernel kernel, KvKernelData& data, std::uint32_t page_data_bytes, const KvPageReader& read);

}  // namespace kvnand
