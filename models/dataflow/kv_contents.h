// The values of the KV cache when a run computes real attention: per stream, the flash address
// of every page it programmed and the bytes of its open page (the tokens still in a KV buffer,
// and what the next program of that page writes). Tokens appended without values (timing only,
// pre-filled context, decode steps) mark their stream as holding no usable values.
#pragma once

#include <cstdint>
#include <vector>

#include "dataflow/kv_block_allocator.h"
#include "dataflow/kv_mapping.h"

namespace kvnand {

class KvContents {
 public:
  /// Every stream already holds `prefilled_tokens` tokens without values; their
  /// prefilled_tokens / tokens_per_page full pages were allocated before.
  KvContents(const KvMapping& mapping, std::uint64_t prefilled_tokens);

  /// The stream's token number `index` (0-based, in append order): token_bytes bytes, or null
  /// for a token without values. The first token of a page starts a fresh open page.
  void record_token(std::uint64_t stream, std::uint64_t index, const std::uint8_t* bytes);
  /// The next page of the stream was allocated at `where`.
  void record_page(std::uint64_t stream, const KvPageAddress& where);

  /// False once any token of the stream came without values.
  bool has_values(std::uint64_t stream) const { return streams_[stream].values; }
  /// The address of page `page` (allocated through record_page). Throws std::out_of_range otherwise.
  const KvPageAddress& page_address(std::uint64_t stream, std::uint64_t page) const;
  /// The open page's bytes (tokens_per_page * token_bytes; tokens not yet appended are zero).
  const std::uint8_t* open_page(std::uint64_t stream) const { return streams_[stream].open_page.data(); }

 private:
  struct Stream {
    std::vector<KvPageAddress> pages;
    std::vector<std::uint8_t> open_page;
    bool values = true;
  };

  std::uint32_t token_bytes_;
  std::uint32_t tokens_per_page_;
  std::uint64_t first_page_;
  std::vector<Stream> streams_;
};

}  // namespace kvnand
