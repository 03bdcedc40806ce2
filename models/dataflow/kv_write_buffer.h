// The KV write path's buffer: new K/V vectors wait in SRAM and are programmed one full page of
// one stream at a time, which amortises tPROG over tokens_per_page tokens. A buffer "domain" is
// one SRAM: the discrete variant has one (the SoC KV buffer), the compact variant one per plane
// (the plane's KV buffer), and a stream's token goes to the domain of the plane that holds the
// stream's current page (the caller passes the domain).
//
// A stream's buffered tokens all belong to its open page (the page of its last token): a page is
// programmed the moment its last token arrives. When a domain has no room for a token, open pages
// are programmed early as partial-page programs (the fullest first); the rest of such a page
// follows later in the same page.
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "dataflow/kv_mapping.h"

namespace kvnand {

struct KvProgram {
  KvStream stream;
  std::uint64_t page;
  std::uint32_t domain;
  /// Bytes leaving the buffer with this program.
  std::uint32_t bytes;
  /// False: a partial-page program to make room (buffer overflow).
  bool completes_page;
};

struct KvBufferStats {
  std::uint64_t full_page_programs = 0;
  std::uint64_t partial_page_programs = 0;
  /// Highest fill of any domain, counted with the arriving token in it (before its page drains).
  std::uint64_t peak_fill_bytes = 0;
};

class KvWriteBuffer {
 public:
  /// Throws std::invalid_argument on zero domains or zero capacity.
  KvWriteBuffer(const KvMapping& mapping, std::uint32_t domains, std::uint64_t capacity_bytes_per_domain);

  /// The context is pre-filled: `tokens` tokens exist; full pages are in flash; the rest
  /// (tokens % tokens_per_page) sits in the buffer of `domain` (no programs reported, no stats
  /// counted). Should the domain lack room, other open pages of it are programmed early, silently,
  /// as prefill would have done; a remainder larger than the whole domain is taken to be in flash.
  /// Throws std::invalid_argument if the stream already has tokens.
  void prefill(const KvStream& stream, std::uint64_t tokens, std::uint32_t domain);

  /// Appends one token (token_bytes). Returns the programs it causes, in order: first any
  /// partial-page programs needed to make room in that domain (evict the open page holding the
  /// most bytes in this domain, ties -> lowest stream index; never the appending stream's own page
  /// unless it is the only one), then the full-page program if this token completes its page.
  /// Throws std::length_error if one token cannot fit even in an empty domain, and
  /// std::invalid_argument if the stream's open page is buffered in another domain.
  std::vector<KvProgram> append(const KvStream& stream, std::uint32_t domain);

  /// All tokens of the stream.
  std::uint64_t tokens(const KvStream& stream) const;
  /// Tokens only in the buffer (not in flash).
  std::uint64_t buffered_tokens(const KvStream& stream) const;
  /// Pages in flash holding any of the stream's tokens (full pages + a partially programmed one).
  std::uint64_t flash_pages(const KvStream& stream) const;
  std::uint64_t tokens_in_flash(const KvStream& stream) const;
  std::uint64_t fill_bytes(std::uint32_t domain) const;
  const KvBufferStats& stats() const { return stats_; }

 private:
  struct StreamState {
    std::uint64_t tokens = 0;
    std::uint64_t in_flash = 0;
    /// Where the buffered tokens are (meaningful while any are).
    std::uint32_t domain = 0;
  };
  /// An open page in a domain.
  struct OpenPage {
    std::uint64_t bytes;
    std::uint64_t stream;
  };
  /// Most bytes first, then lowest stream index: the eviction order.
  struct FullestFirst {
    bool operator()(const OpenPage& a, const OpenPage& b) const {
      return a.bytes != b.bytes ? a.bytes > b.bytes : a.stream < b.stream;
    }
  };

  std::uint32_t check_domain(std::uint32_t domain) const;
  std::uint64_t buffered_bytes(const StreamState& state) const;
  /// The open page to program early in `domain` to make room for `stream`'s token.
  std::uint64_t victim(std::uint32_t domain, std::uint64_t stream) const;
  /// Programs the stream's buffered tokens and empties its share of the buffer.
  KvProgram drain(std::uint64_t stream, bool completes_page);
  /// Adds `bytes` to the stream's open page in `domain`; the caller then counts the tokens.
  void buffer(std::uint64_t stream, std::uint32_t domain, std::uint64_t bytes);

  KvMapping mapping_;
  std::uint64_t capacity_;
  std::vector<StreamState> streams_;
  std::vector<std::set<OpenPage, FullestFirst>> open_pages_;
  std::vector<std::uint64_t> fill_;
  KvBufferStats stats_;
};

}  // namespace kvnand
