#include "dataflow/kv_contents.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace kvnand {

KvContents::KvContents(const KvMapping& mapping, std::uint64_t prefilled_tokens)
    : token_bytes_(mapping.token_bytes()),
      tokens_per_page_(mapping.tokens_per_page()),
      first_page_(prefilled_tokens / mapping.tokens_per_page()),
      streams_(mapping.streams()) {
  for (Stream& s : streams_) {
    s.open_page.assign(std::size_t{tokens_per_page_} * token_bytes_, 0);
    s.values = prefilled_tokens == 0;
  }
}

void KvContents::record_token(std::uint64_t stream, std::uint64_t index, const std::uint8_t* bytes) {
  Stream& s = streams_.at(stream);
  const std::size_t slot = index % tokens_per_page_;
  if (slot == 0) std::fill(s.open_page.begin(), s.open_page.end(), 0);
  if (bytes == nullptr)
    s.values = false;
  else
    std::memcpy(s.open_page.data() + slot * token_bytes_, bytes, token_bytes_);
}

void KvContents::record_page(std::uint64_t stream, const KvPageAddress& where) {
  streams_.at(stream).pages.push_back(where);
}

const KvPageAddress& KvContents::page_address(std::uint64_t stream, std::uint64_t page) const {
  const Stream& s = streams_.at(stream);
  if (page < first_page_ || page - first_page_ >= s.pages.size())
    throw std::out_of_range("KV stream " + std::to_string(stream) + " has no recorded page " + std::to_string(page));
  return s.pages[page - first_page_];
}

}  // namespace kvnand
