// The command timeline's text output: numbers and times formatted in place, plane lists, JSON
// strings, and files that appear only complete.
#include "timeline_text.h"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace kvnand {
namespace {

namespace fs = std::filesystem;

/// What one call on a fresh cursor writes.
template <typename Write>
std::string formatted(Write write) {
  char buffer[256];
  TextCursor cursor(buffer);
  write(cursor);
  return std::string(buffer, cursor.end());
}

std::string number(std::uint64_t value) {
  return formatted([&](TextCursor& c) { c.number(value); });
}

std::string micros(std::uint64_t ps) {
  return formatted([&](TextCursor& c) { c.micros(ps); });
}

TEST(TimelineText, NumbersAtEveryLengthAndChunkBoundary) {
  EXPECT_EQ(number(0), "0");
  EXPECT_EQ(number(7), "7");
  EXPECT_EQ(number(10), "10");
  EXPECT_EQ(number(99), "99");
  EXPECT_EQ(number(100), "100");
  EXPECT_EQ(number(4096), "4096");
  EXPECT_EQ(number(99999999), "99999999");
  // Past 10^8 the low eight digits keep their zeros.
  EXPECT_EQ(number(100000000), "100000000");
  EXPECT_EQ(number(838307586492), "838307586492");
  EXPECT_EQ(number(4000000000000001), "4000000000000001");
  EXPECT_EQ(number(9999999999999999), "9999999999999999");
  EXPECT_EQ(number(10000000000000000), "10000000000000000");
  EXPECT_EQ(number(10000000200000003), "10000000200000003");
  EXPECT_EQ(number(UINT64_MAX), "18446744073709551615");
}

TEST(TimelineText, EveryPowerOfTenAndItsNeighbours) {
  std::uint64_t power = 1;
  for (int digits = 1; digits <= 19; ++digits, power *= 10) {
    EXPECT_EQ(number(power), "1" + std::string(digits - 1, '0'));
    EXPECT_EQ(number(power - 1), power == 1 ? "0" : std::string(digits - 1, '9'));
    EXPECT_EQ(number(power + 1), power == 1 ? "2" : "1" + std::string(digits - 2, '0') + "1");
  }
}

TEST(TimelineText, MicrosecondsKeepEveryPicosecond) {
  EXPECT_EQ(micros(0), "0.000000");
  EXPECT_EQ(micros(1), "0.000001");
  EXPECT_EQ(micros(70000), "0.070000");
  EXPECT_EQ(micros(1716667), "1.716667");
  EXPECT_EQ(micros(10559863), "10.559863");
  EXPECT_EQ(micros(4000000000123457), "4000000000.123457");
  EXPECT_EQ(micros(UINT64_MAX), "18446744073709.551615");
}

TEST(TimelineText, PlaneListsAndObjectMembers) {
  EXPECT_EQ(formatted([](TextCursor& c) { c.planes(0); }), "");
  EXPECT_EQ(formatted([](TextCursor& c) { c.planes(0b1010); }), "1 3");
  EXPECT_EQ(formatted([](TextCursor& c) { c.planes((std::uint64_t{1} << 63) | (1u << 10) | 1u); }), "0 10 63");
  // Ten one-digit and 54 two-digit indices with 63 spaces between them.
  const std::string all = formatted([](TextCursor& c) { c.planes(UINT64_MAX); });
  EXPECT_EQ(all.size(), 181u);
  EXPECT_EQ(all.substr(0, 6), "0 1 2 ");
  EXPECT_EQ(all.substr(all.size() - 5), "62 63");
  EXPECT_EQ(formatted([](TextCursor& c) {
              bool first = true;
              c.put('{').key("\"a\":", first).number(1).key("\"b\":", first).put("\"x\"").put('}');
            }),
            R"({"a":1,"b":"x"})");
}

TEST(TimelineText, PlaneListTextFollowsTheMask) {
  PlaneListText text;
  EXPECT_EQ(text.of(0), "");
  EXPECT_EQ(text.of(0xf), "0 1 2 3");
  EXPECT_EQ(text.of(0xf), "0 1 2 3");
  EXPECT_EQ(text.of(0b100), "2");
  EXPECT_EQ(text.of(0), "");
}

TEST(TimelineText, JsonStringsEscapeQuotesBackslashesAndControls) {
  std::string out = "x";
  append_json_string(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, R"(x"a\"b\\c\u000a\u0001")");
}

fs::path test_dir() {
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  const fs::path dir = fs::path(testing::TempDir()) / (std::string("kvnand_timeline_text_") + info->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string text_of(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(TimelineText, PartialFileAppearsOnlyWhenCommitted) {
  const fs::path dir = test_dir();
  const fs::path path = dir / "out.txt";
  PartialFile file(path.string());
  EXPECT_TRUE(fs::exists(dir / "out.txt.partial"));
  file.text("head ");
  // More than the buffer holds, in pieces and in one request larger than the buffer.
  const std::string piece(1000, 'p');
  for (int i = 0; i < 2000; ++i) file.text(piece);
  const std::string big(3u << 20, 'b');
  file.done(TextCursor(file.room(big.size() + TextCursor::kMaxDigits)).put(big).number(42).end());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(file.commit(), "");
  EXPECT_FALSE(fs::exists(dir / "out.txt.partial"));
  const std::string text = text_of(path);
  ASSERT_EQ(text.size(), 5 + 2000 * 1000 + (3u << 20) + 2);
  EXPECT_EQ(text.substr(0, 6), "head p");
  EXPECT_EQ(text.substr(text.size() - 3), "b42");
}

TEST(TimelineText, PartialFileWithoutCommitLeavesNothing) {
  const fs::path dir = test_dir();
  {
    PartialFile file((dir / "out.txt").string());
    file.text("lost");
  }
  EXPECT_TRUE(fs::is_empty(dir));
}

TEST(TimelineText, PartialFileNamesAPathItCannotCreate) {
  const fs::path dir = test_dir();
  const std::string missing = (dir / "no_such_folder" / "out.txt").string();
  try {
    PartialFile file(missing);
    FAIL() << "expected std::runtime_error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(missing), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace kvnand
