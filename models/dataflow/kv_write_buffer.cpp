#include "dataflow/kv_write_buffer.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <string>

namespace kvnand {

KvWriteBuffer::KvWriteBuffer(const KvMapping& mapping, std::uint32_t domains, std::uint64_t capacity_bytes_per_domain)
    : mapping_(mapping),
      capacity_(capacity_bytes_per_domain),
      streams_(mapping.streams()),
      open_pages_(domains),
      fill_(domains, 0) {
  if (domains == 0 || capacity_bytes_per_domain == 0)
    throw std::invalid_argument("KV write buffer: needs at least one domain and a capacity > 0");
}

std::uint32_t KvWriteBuffer::check_domain(std::uint32_t domain) const {
  if (domain >= fill_.size())
    throw std::out_of_range("KV write buffer: no domain " + std::to_string(domain) + " (" +
                            std::to_string(fill_.size()) + " domains)");
  return domain;
}

std::uint64_t KvWriteBuffer::buffered_bytes(const StreamState& state) const {
  return (state.tokens - state.in_flash) * mapping_.token_bytes();
}

std::uint64_t KvWriteBuffer::victim(std::uint32_t domain, std::uint64_t stream) const {
  const auto& pages = open_pages_[domain];
  auto fullest = pages.begin();
  if (fullest->stream == stream && std::next(fullest) != pages.end()) ++fullest;
  return fullest->stream;
}

KvProgram KvWriteBuffer::drain(std::uint64_t stream, bool completes_page) {
  StreamState& state = streams_[stream];
  const std::uint64_t bytes = buffered_bytes(state);
  open_pages_[state.domain].erase(OpenPage{bytes, stream});
  fill_[state.domain] -= bytes;
  state.in_flash = state.tokens;
  // The buffered tokens all sit on the page of the stream's last token.
  const std::uint64_t page = (state.tokens - 1) / mapping_.tokens_per_page();
  return KvProgram{mapping_.stream_at(stream), page, state.domain, static_cast<std::uint32_t>(bytes), completes_page};
}

void KvWriteBuffer::buffer(std::uint64_t stream, std::uint32_t domain, std::uint64_t bytes) {
  StreamState& state = streams_[stream];
  const std::uint64_t before = buffered_bytes(state);
  if (before > 0) open_pages_[domain].erase(OpenPage{before, stream});
  state.domain = domain;
  open_pages_[domain].insert(OpenPage{before + bytes, stream});
  fill_[domain] += bytes;
}

void KvWriteBuffer::prefill(const KvStream& stream, std::uint64_t tokens, std::uint32_t domain) {
  const std::uint64_t s = mapping_.stream_index(stream);
  check_domain(domain);
  StreamState& state = streams_[s];
  if (state.tokens != 0)
    throw std::invalid_argument("KV write buffer: prefill of stream " + std::to_string(s) + " that already has " +
                                std::to_string(state.tokens) + " tokens");
  const std::uint64_t remainder = tokens % mapping_.tokens_per_page();
  const std::uint64_t bytes = remainder * mapping_.token_bytes();
  state.tokens = tokens - remainder;
  state.in_flash = state.tokens;
  if (remainder == 0) return;
  if (bytes > capacity_) {
    state.tokens = state.in_flash = tokens;
    return;
  }
  while (fill_[domain] + bytes > capacity_) drain(victim(domain, s), false);
  buffer(s, domain, bytes);
  state.tokens = tokens;
}

std::vector<KvProgram> KvWriteBuffer::append(const KvStream& stream, std::uint32_t domain) {
  const std::uint64_t s = mapping_.stream_index(stream);
  check_domain(domain);
  const std::uint64_t token = mapping_.token_bytes();
  if (token > capacity_)
    throw std::length_error("KV write buffer: a token of " + std::to_string(token) + " bytes exceeds a domain of " +
                            std::to_string(capacity_) + " bytes");
  StreamState& state = streams_[s];
  if (buffered_bytes(state) > 0 && state.domain != domain)
    throw std::invalid_argument("KV write buffer: stream " + std::to_string(s) + " has its open page in domain " +
                                std::to_string(state.domain) + ", not " + std::to_string(domain));

  std::vector<KvProgram> programs;
  while (fill_[domain] + token > capacity_) {
    programs.push_back(drain(victim(domain, s), false));
    ++stats_.partial_page_programs;
  }
  buffer(s, domain, token);
  ++state.tokens;
  stats_.peak_fill_bytes = std::max(stats_.peak_fill_bytes, fill_[domain]);
  if (state.tokens % mapping_.tokens_per_page() == 0) {
    programs.push_back(drain(s, true));
    ++stats_.full_page_programs;
  }
  return programs;
}

std::uint64_t KvWriteBuffer::tokens(const KvStream& stream) const {
  return streams_[mapping_.stream_index(stream)].tokens;
}

std::uint64_t KvWriteBuffer::tokens_in_flash(const KvStream& stream) const {
  return streams_[mapping_.stream_index(stream)].in_flash;
}

std::uint64_t KvWriteBuffer::buffered_tokens(const KvStream& stream) const {
  const StreamState& state = streams_[mapping_.stream_index(stream)];
  return state.tokens - state.in_flash;
}

std::uint64_t KvWriteBuffer::flash_pages(const KvStream& stream) const {
  const std::uint64_t in_flash = tokens_in_flash(stream);
  const std::uint64_t per_page = mapping_.tokens_per_page();
  return in_flash / per_page + (in_flash % per_page != 0 ? 1 : 0);
}

std::uint64_t KvWriteBuffer::fill_bytes(std::uint32_t domain) const { return fill_[check_domain(domain)]; }

}  // namespace kvnand
