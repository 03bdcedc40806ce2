#include "traffic/flash_pattern.h"

namespace kvnand {

std::optional<PatternKind> pattern_from_name(const std::string& name) {
  if (name == "seq-read") return PatternKind::SeqRead;
  if (name == "rand-read") return PatternKind::RandRead;
  if (name == "seq-write") return PatternKind::SeqWrite;
  if (name == "mixed") return PatternKind::Mixed;
  return std::nullopt;
}

const char* pattern_name(PatternKind kind) {
  switch (kind) {
    case PatternKind::SeqRead: return "seq-read";
    case PatternKind::RandRead: return "rand-read";
    case PatternKind::SeqWrite: return "seq-write";
    case PatternKind::Mixed: return "mixed";
  }
  return "?";
}

FlashPattern::FlashPattern(const PatternSpec& spec, const ChannelSpec& channels, const FlashGeometry& geometry)
    : spec_(spec),
      channels_(channels),
      geometry_(geometry),
      total_pages_(geometry.pages_per_die() * channels.total_dies()),
      rng_(spec.seed) {}

PageAddress FlashPattern::stripe(std::uint64_t n) const {
  PageAddress a;
  a.channel = ChannelId(static_cast<std::uint32_t>(n % channels_.count));
  n /= channels_.count;
  a.die = DieId(static_cast<std::uint32_t>(n % channels_.dies_per_channel));
  n /= channels_.dies_per_channel;
  a.plane = PlaneId(static_cast<std::uint32_t>(n % geometry_.planes_per_die));
  n /= geometry_.planes_per_die;
  a.page = PageId(static_cast<std::uint32_t>(n % geometry_.pages_per_block));
  n /= geometry_.pages_per_block;
  a.block = BlockId(static_cast<std::uint32_t>(n));
  return a;
}

TrafficRequest FlashPattern::next_write() {
  TrafficRequest program{HostOp::Program, stripe(write_cursor_ % total_pages_)};
  const bool wrapped = write_cursor_ >= total_pages_;
  ++write_cursor_;
  if (wrapped && program.address.page.value() == 0) {
    pending_program_ = program;
    return TrafficRequest{HostOp::Erase, program.address};
  }
  return program;
}

TrafficRequest FlashPattern::next() {
  if (pending_program_) {
    const TrafficRequest program = *pending_program_;
    pending_program_.reset();
    return program;
  }
  switch (spec_.kind) {
    case PatternKind::SeqRead: return TrafficRequest{HostOp::Read, stripe(read_cursor_++ % total_pages_)};
    case PatternKind::RandRead:
      return TrafficRequest{HostOp::Read, stripe(std::uniform_int_distribution<std::uint64_t>(0, total_pages_ - 1)(rng_))};
    case PatternKind::SeqWrite: return next_write();
    case PatternKind::Mixed:
      if (std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < spec_.read_fraction)
        return TrafficRequest{HostOp::Read,
                              stripe(std::uniform_int_distribution<std::uint64_t>(0, total_pages_ - 1)(rng_))};
      return next_write();
  }
  return {};
}

}  // namespace kvnand
