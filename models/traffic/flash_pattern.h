// Address streams of the flash microbenchmark. Sequential streams stripe consecutive pages over
// channels first, then dies, then planes, so that a sequential run keeps every die busy.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "channel/channel_spec.h"
#include "common/flash_transactions.h"
#include "flash/flash_spec.h"

namespace kvnand {

enum class PatternKind { SeqRead, RandRead, SeqWrite, Mixed };

/// "seq-read" | "rand-read" | "seq-write" | "mixed"; nullopt for anything else.
std::optional<PatternKind> pattern_from_name(const std::string& name);
const char* pattern_name(PatternKind kind);

struct PatternSpec {
  PatternKind kind = PatternKind::SeqRead;
  /// Mixed: the share of requests that are random reads; the rest are sequential writes.
  double read_fraction = 0.7;
  std::uint64_t seed = 1;
};

struct TrafficRequest {
  HostOp op = HostOp::Read;
  PageAddress address;
};

class FlashPattern {
 public:
  FlashPattern(const PatternSpec& spec, const ChannelSpec& channels, const FlashGeometry& geometry);

  /// The next request. Writes that wrap around the device first erase the block they enter.
  TrafficRequest next();

  std::uint64_t total_pages() const { return total_pages_; }
  /// Page number `n` of the striped address space (n < total_pages()).
  PageAddress stripe(std::uint64_t n) const;

 private:
  TrafficRequest next_write();

  PatternSpec spec_;
  ChannelSpec channels_;
  FlashGeometry geometry_;
  std::uint64_t total_pages_;
  std::uint64_t read_cursor_ = 0;
  std::uint64_t write_cursor_ = 0;
  std::optional<TrafficRequest> pending_program_;
  std::mt19937_64 rng_;
};

}  // namespace kvnand
