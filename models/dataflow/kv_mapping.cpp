#include "dataflow/kv_mapping.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace kvnand {
namespace {

constexpr std::uint64_t kByteBits = 8;

}  // namespace

const char* to_string(KvStreamStart start) { return start == KvStreamStart::Spread ? "spread" : "consecutive"; }

KvMapping::KvMapping(std::uint32_t layers, std::uint32_t kv_heads, std::uint32_t head_dim, std::uint32_t kv_bits,
                     std::uint32_t kv_dies, std::uint32_t planes_per_die, std::uint32_t page_data_bytes,
                     KvStreamStart start)
    : layers_(layers),
      kv_heads_(kv_heads),
      kv_dies_(kv_dies),
      planes_per_die_(planes_per_die),
      page_data_bytes_(page_data_bytes),
      start_(start) {
  if (layers == 0 || kv_heads == 0 || head_dim == 0 || kv_bits == 0 || kv_dies == 0 || planes_per_die == 0 ||
      page_data_bytes == 0)
    throw std::invalid_argument("KV mapping: every dimension must be > 0");
  if (planes_per_die > PlaneMask::kMaxPlanes)
    throw std::invalid_argument("KV mapping: planes_per_die " + std::to_string(planes_per_die) + " exceeds " +
                                std::to_string(PlaneMask::kMaxPlanes));
  const std::uint64_t token_bits = std::uint64_t{head_dim} * kv_bits;
  if (token_bits % kByteBits != 0)
    throw std::invalid_argument("KV mapping: head_dim " + std::to_string(head_dim) + " x " + std::to_string(kv_bits) +
                                " bits is not a whole number of bytes");
  const std::uint64_t per_page = std::uint64_t{page_data_bytes} * kByteBits / token_bits;
  if (per_page == 0)
    throw std::invalid_argument("KV mapping: one token of " + std::to_string(token_bits / kByteBits) +
                                " bytes does not fit a page of " + std::to_string(page_data_bytes) + " bytes");
  tokens_per_page_ = static_cast<std::uint32_t>(per_page);
  token_bytes_ = static_cast<std::uint32_t>(token_bits / kByteBits);
}

std::uint64_t KvMapping::stream_index(const KvStream& stream) const {
  if (stream.layer >= layers_ || stream.head >= kv_heads_)
    throw std::out_of_range("KV mapping: no stream for layer " + std::to_string(stream.layer) + " head " +
                            std::to_string(stream.head));
  return (std::uint64_t{stream.layer} * kv_heads_ + stream.head) * 2 + static_cast<std::uint64_t>(stream.kind);
}

KvStream KvMapping::stream_at(std::uint64_t index) const {
  if (index >= streams()) throw std::out_of_range("KV mapping: no stream " + std::to_string(index));
  const std::uint64_t head_index = index / 2;
  return KvStream{static_cast<std::uint32_t>(head_index / kv_heads_), static_cast<std::uint32_t>(head_index % kv_heads_),
                  index % 2 == 0 ? KvKind::K : KvKind::V};
}

std::uint64_t KvMapping::first_slot(const KvStream& stream) const {
  const std::uint64_t index = stream_index(stream);
  if (start_ == KvStreamStart::Consecutive) return index % slots();
  const std::uint64_t per_layer = std::uint64_t{kv_heads_} * 2;
  return ((index % per_layer) * slots() / per_layer + stream.layer) % slots();
}

std::uint64_t KvMapping::slot_of(const KvStream& stream, std::uint64_t page) const {
  return (first_slot(stream) + page % slots()) % slots();
}

GroupPlane KvMapping::plane_of_slot(std::uint64_t slot) const {
  return GroupPlane{static_cast<std::uint32_t>(slot % kv_dies_), PlaneId(static_cast<std::uint32_t>(slot / kv_dies_))};
}

GroupPlane KvMapping::plane_of(const KvStream& stream, std::uint64_t page) const {
  return plane_of_slot(slot_of(stream, page));
}

std::vector<DieKvWork> KvMapping::work(const KvStream& stream, std::uint64_t pages,
                                       std::uint32_t last_page_tokens) const {
  if (last_page_tokens > tokens_per_page_)
    throw std::invalid_argument("KV mapping: last page holds " + std::to_string(last_page_tokens) +
                                " tokens, a page holds " + std::to_string(tokens_per_page_));
  if (pages == 0) return {};
  const std::uint64_t n = slots();
  const std::uint64_t first = first_slot(stream);
  const std::uint64_t base = pages / n;
  const std::uint64_t remainder = pages % n;
  if (base + (remainder > 0 ? 1 : 0) > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument("KV mapping: more than 2^32 pages of one stream on a plane");

  std::vector<DieKvWork> result(kv_dies_);
  for (std::uint32_t d = 0; d < kv_dies_; ++d) result[d].die_index = d;
  for (std::uint32_t plane = 0; plane < planes_per_die_; ++plane)
    for (std::uint32_t d = 0; d < kv_dies_; ++d) {
      const std::uint64_t slot = std::uint64_t{plane} * kv_dies_ + d;
      const std::uint64_t offset = slot >= first ? slot - first : slot + n - first;
      const std::uint64_t count = base + (offset < remainder ? 1 : 0);
      result[d].pages_per_plane[plane] = static_cast<std::uint32_t>(count);
      result[d].tokens += count * tokens_per_page_;
    }
  if (last_page_tokens > 0)
    result[(first + pages - 1) % n % kv_dies_].tokens -= tokens_per_page_ - last_page_tokens;
  // Every page holds at least one token, so a die without tokens holds no pages.
  result.erase(std::remove_if(result.begin(), result.end(), [](const DieKvWork& die) { return die.tokens == 0; }),
               result.end());
  return result;
}

}  // namespace kvnand
