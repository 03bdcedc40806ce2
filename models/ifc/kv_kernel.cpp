#include "ifc/kv_kernel.h"

#include <stdexcept>
#include <string>
#include <vector>

#include "ifc/pe_kernels.h"

namespace kvnand {

void run_kv_kernel(IfcKernel kernel, KvKernelData& data, std::uint32_t page_data_bytes, const KvPageReader& read) {
  if (kernel != IfcKernel::Logit && kernel != IfcKernel::Attend)
    throw std::invalid_argument(std::string("KV data given to a ") + to_string(kernel) + " kernel");
  const std::uint64_t token_bytes = std::uint64_t{data.head_dim} * kElementBytes;
  std::vector<std::uint8_t> page(page_data_bytes);
  const std::size_t plane_block = std::size_t{data.heads} * data.head_dim;
  for (const KvPageRef& ref : data.pages) {
    if (ref.tokens * token_bytes > page_data_bytes)
      throw std::invalid_argument("a KV page holds at most " + std::to_string(page_data_bytes / token_bytes) +
                                  " tokens, not " + std::to_string(ref.tokens));
    read(ref, page.data());
    if (kernel == IfcKernel::Logit)
      pe_logits(page.data(), ref.tokens, data.head_dim, data.element, data.input, data.heads, data.scale,
                data.output + ref.first_token, data.stride);
    else
      pe_weighted_values(page.data(), ref.tokens, data.head_dim, data.element, data.input + ref.first_token,
                         data.stride, data.heads, data.output + ref.plane.value() * plane_block);
  }
}

}  // namespace kvnand
