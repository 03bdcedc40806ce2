// The text output of the command timeline: a cursor that formats numbers straight into a
// PartialFile's buffer, and JSON string quoting. Inline: this is the writer's inner loop (a
// decode token makes ~10^5 rows and events).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/flash_address.h"
#include "partial_file.h"

namespace kvnand {

/// Formats into a buffer whose room the caller made sure of (PartialFile::room).
class TextCursor {
 public:
  /// Characters of the largest std::uint64_t.
  static constexpr std::size_t kMaxDigits = 20;
  /// Characters of a plane list: at most 64 planes of up to two digits, each with a separator.
  static constexpr std::size_t kMaxPlaneText = PlaneMask::kMaxPlanes * 3;
  /// Decimals of micros(), which writes picoseconds as microseconds.
  static constexpr std::size_t kMicrosecondDecimals = 6;
  /// Characters of micros(): the integer part, the point and the decimals.
  static constexpr std::size_t kMaxMicrosText = kMaxDigits + 1 + kMicrosecondDecimals;

  explicit TextCursor(char* at) : at_(at) {}
  char* end() const { return at_; }

  TextCursor& put(std::string_view text) {
    std::memcpy(at_, text.data(), text.size());
    at_ += text.size();
    return *this;
  }
  TextCursor& put(char c) {
    *at_++ = c;
    return *this;
  }
  /// Decimal digits, in chunks of eight whose four pairs come from independent divisions
  /// rather than a chain of one division per digit (numbers are the bulk of the writing).
  TextCursor& number(std::uint64_t value) {
    if (value < kTenToTheEight) return leading(static_cast<std::uint32_t>(value));
    const std::uint64_t high = value / kTenToTheEight;
    if (high < kTenToTheEight) {
      leading(static_cast<std::uint32_t>(high));
    } else {
      leading(static_cast<std::uint32_t>(high / kTenToTheEight));
      eight(high % kTenToTheEight);
    }
    return eight(value % kTenToTheEight);
  }
  /// Integer picoseconds as microseconds with six decimals: exact, so a timeline's slices map
  /// back to the picoseconds of the command CSV.
  TextCursor& micros(std::uint64_t ps) {
    number(ps / kPicosecondsPerMicrosecond).put('.');
    const std::uint64_t fraction = ps % kPicosecondsPerMicrosecond;
    pair(at_, fraction / (kHundred * kHundred));
    pair(at_ + 2, fraction / kHundred % kHundred);
    pair(at_ + 4, fraction % kHundred);
    at_ += kMicrosecondDecimals;
    return *this;
  }
  /// Plane indices of `bits`, ascending, separated by spaces.
  TextCursor& planes(std::uint64_t bits) {
    const char* const start = at_;
    PlaneMask(bits).for_each([&](PlaneId plane) {
      if (at_ != start) put(' ');
      const std::uint32_t index = plane.value();
      if (index >= kTen) put(static_cast<char>('0' + index / kTen));
      put(static_cast<char>('0' + index % kTen));
    });
    return *this;
  }
  /// A member of a JSON object (`quoted_key` with its quotes and colon), after a comma unless
  /// it is the first.
  TextCursor& key(std::string_view quoted_key, bool& first) {
    if (!first) put(',');
    first = false;
    return put(quoted_key);
  }

 private:
  static constexpr std::uint64_t kPicosecondsPerMicrosecond = 1000000;
  static constexpr std::uint32_t kTen = 10;
  static constexpr std::uint32_t kHundred = 100;
  static constexpr std::uint64_t kTenToTheFour = 10000;
  static constexpr std::uint64_t kTenToTheEight = kTenToTheFour * kTenToTheFour;
  static constexpr std::size_t kChunkDigits = 8;
  /// "00", "01", ... "99" end to end.
  static constexpr std::array<char, 2 * kHundred> kPairs = [] {
    std::array<char, 2 * kHundred> pairs{};
    for (std::uint32_t i = 0; i < kHundred; ++i) {
      pairs[2 * i] = static_cast<char>('0' + i / kTen);
      pairs[2 * i + 1] = static_cast<char>('0' + i % kTen);
    }
    return pairs;
  }();

  /// `value` (below 10^8) as exactly eight digits, leading zeros included.
  TextCursor& eight(std::uint64_t value) {
    const std::uint64_t high = value / kTenToTheFour, low = value % kTenToTheFour;
    pair(at_, high / kHundred);
    pair(at_ + 2, high % kHundred);
    pair(at_ + 4, low / kHundred);
    pair(at_ + 6, low % kHundred);
    at_ += kChunkDigits;
    return *this;
  }
  /// `value` (below 10^8) without leading zeros, from its last pair backwards.
  TextCursor& leading(std::uint32_t value) {
    std::size_t digits = 1;
    for (std::uint32_t power = kTen; digits < kChunkDigits && value >= power; power *= kTen) ++digits;
    at_ += digits;
    char* out = at_;
    for (; value >= kHundred; value /= kHundred) pair(out -= 2, value % kHundred);
    if (value >= kTen) pair(out - 2, value);
    else out[-1] = static_cast<char>('0' + value);
    return *this;
  }
  /// Writes `value` (below 100) as two digits at `out`; returns `out`.
  static char* pair(char* out, std::uint64_t value) {
    std::memcpy(out, kPairs.data() + 2 * value, 2);
    return out;
  }

  char* at_;
};

/// The text of the last plane mask asked for: commands mostly repeat their planes.
class PlaneListText {
 public:
  std::string_view of(std::uint64_t bits) {
    if (bits != bits_) {
      size_ = static_cast<std::size_t>(TextCursor(text_).planes(bits).end() - text_);
      bits_ = bits;
    }
    return {text_, size_};
  }

 private:
  std::uint64_t bits_ = 0;  // the empty mask's text is empty
  std::size_t size_ = 0;
  char text_[TextCursor::kMaxPlaneText] = {};
};

/// `text` as a JSON string literal, appended to `out`.
inline void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace kvnand
