#include "persist/frame.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace kinesys::local::persist {
namespace {

std::vector<std::string> frames_of(std::string_view data, std::size_t* good = nullptr)
{
  std::vector<std::string> out;
  std::size_t n = read_frames(data, [&](std::string_view p) { out.emplace_back(p); });
  if (good) *good = n;
  return out;
}

TEST(frame, crc32c_matches_the_castagnoli_check_value)
{
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(""), 0u);
}

TEST(frame, frames_round_trip)
{
  std::string file;
  append_frame(file, "one");
  append_frame(file, "t");
  append_frame(file, std::string(100000, 'z'));
  std::size_t good = 0;
  auto frames = frames_of(file, &good);
  ASSERT_EQ(frames.size(), 3u);
  EXPECT_EQ(frames[0], "one");
  EXPECT_EQ(frames[2].size(), 100000u);
  EXPECT_EQ(good, file.size());
}

// Where a power cut leaves a grown file whose data never landed, it holds
// zeros; eight of them would be an empty frame with a valid checksum.
TEST(frame, a_run_of_zeros_after_the_last_frame_is_not_read_as_frames)
{
  std::string file;
  append_frame(file, "one");
  std::size_t const whole = file.size();
  file.append(64, '\0');
  std::size_t good = 0;
  auto frames = frames_of(file, &good);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(good, whole);
}

TEST(frame, a_file_cut_at_any_byte_yields_exactly_the_whole_frames_before_the_cut)
{
  std::string file;
  std::vector<std::size_t> ends;
  for (int i = 0; i < 5; ++i) {
    append_frame(file, "payload-" + std::to_string(i));
    ends.push_back(file.size());
  }
  for (std::size_t cut = 0; cut <= file.size(); ++cut) {
    std::size_t good = 0;
    auto frames = frames_of(std::string_view(file).substr(0, cut), &good);
    std::size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    ASSERT_EQ(frames.size(), whole) << "cut at " << cut;
    EXPECT_EQ(good, whole ? ends[whole - 1] : 0u);
  }
}

TEST(frame, a_damaged_byte_stops_reading_at_that_frame)
{
  std::string file;
  append_frame(file, "good");
  std::size_t const first = file.size();
  append_frame(file, "will be damaged");
  append_frame(file, "after");
  file[first + 10] ^= 0x40;
  std::size_t good = 0;
  auto frames = frames_of(file, &good);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(good, first);
}

TEST(frame, integers_round_trip_little_endian)
{
  std::string s;
  put_u16(s, 0xBEEF);
  put_u32(s, 0xDEADBEEF);
  put_u64(s, 0x0123456789ABCDEFull);
  std::string_view in = s;
  std::uint16_t a;
  std::uint32_t b;
  std::uint64_t c;
  ASSERT_TRUE(get_u16(in, a) && get_u32(in, b) && get_u64(in, c));
  EXPECT_EQ(a, 0xBEEF);
  EXPECT_EQ(b, 0xDEADBEEFu);
  EXPECT_EQ(c, 0x0123456789ABCDEFull);
  EXPECT_FALSE(get_u16(in, a));
}

}  // namespace
}  // namespace kinesys::local::persist
