// Test that header file is self-contained.
#include "spool_format.hpp"

#include <gtest/gtest.h>

namespace kinesys::producer::detail {
namespace {

std::string sample_file() {
  std::string f;
  append_spool_header(f);
  append_record_frame(f, 1, 11, "p.0", "stream", "key-a", "", "data-1");
  append_record_frame(f, 2, 12, "p.0", "stream", "key-b", "123", std::string("bin\0ary", 7));
  append_ack_frame(f, {1});
  append_record_frame(f, 3, 13, "p.0", "other", "key-c", "", "");
  return f;
}

TEST(spool_format, records_and_acks_round_trip) {
  auto c = read_spool(sample_file());
  ASSERT_TRUE(c);
  ASSERT_EQ(c->records.size(), 3u);
  EXPECT_EQ(c->records[0].spool_id, 1u);
  EXPECT_EQ(c->records[0].stamp, 11u);
  EXPECT_EQ(c->records[0].stamp_origin, "p.0");
  EXPECT_EQ(c->records[0].stream, "stream");
  EXPECT_EQ(c->records[0].partition_key, "key-a");
  EXPECT_EQ(c->records[0].data, "data-1");
  EXPECT_EQ(c->records[1].explicit_hash_key, "123");
  EXPECT_EQ(c->records[1].data, std::string("bin\0ary", 7));
  EXPECT_EQ(c->records[2].data, "");
  EXPECT_EQ(c->acks, (std::vector<std::uint64_t>{1}));
  EXPECT_FALSE(c->torn);
  EXPECT_EQ(c->good_length, sample_file().size());
}

TEST(spool_format, a_file_cut_at_any_byte_keeps_exactly_the_whole_frames) {
  std::string full = sample_file();
  // Frame boundaries, to know how many records a cut keeps.
  std::vector<std::size_t> ends;
  {
    std::string f;
    append_spool_header(f);
    append_record_frame(f, 1, 11, "p.0", "stream", "key-a", "", "data-1");
    ends.push_back(f.size());
    append_record_frame(f, 2, 12, "p.0", "stream", "key-b", "123", std::string("bin\0ary", 7));
    ends.push_back(f.size());
    append_ack_frame(f, {1});
    ends.push_back(f.size());
    ends.push_back(full.size());
  }
  for (std::size_t cut = spool_header_size; cut <= full.size(); ++cut) {
    auto c = read_spool(std::string_view(full).substr(0, cut));
    ASSERT_TRUE(c) << cut;
    std::size_t whole = 0;
    while (whole < ends.size() && ends[whole] <= cut) ++whole;
    std::size_t expected_good = whole == 0 ? spool_header_size : ends[whole - 1];
    EXPECT_EQ(c->good_length, expected_good) << "cut at " << cut;
    EXPECT_EQ(c->torn, cut != expected_good) << "cut at " << cut;
    std::size_t records = whole >= 4 ? 3 : std::min<std::size_t>(whole, 2);
    EXPECT_EQ(c->records.size(), records) << "cut at " << cut;
  }
}

TEST(spool_format, a_flipped_bit_ends_the_good_part_at_that_frame) {
  std::string f = sample_file();
  std::string first;
  append_spool_header(first);
  append_record_frame(first, 1, 11, "p.0", "stream", "key-a", "", "data-1");
  f[first.size() + 20] ^= 0x10;  // inside the second frame's body
  auto c = read_spool(f);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->records.size(), 1u);
  EXPECT_EQ(c->good_length, first.size());
  EXPECT_TRUE(c->torn);
}

TEST(spool_format, a_foreign_file_is_refused) {
  EXPECT_FALSE(read_spool("not a spool file at all"));
  EXPECT_FALSE(read_spool(""));
  std::string wrong_version = "KSYSPOOL";
  wrong_version += std::string("\x02\0\0\0\0\0\0\0", 8);
  EXPECT_FALSE(read_spool(wrong_version));
}

TEST(spool_format, an_absurd_length_is_a_torn_tail_not_an_allocation) {
  std::string f;
  append_spool_header(f);
  f += std::string("\xff\xff\xff\x7f\0\0\0\0", 8);
  auto c = read_spool(f);
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->torn);
  EXPECT_EQ(c->good_length, spool_header_size);
}

}  // namespace
}  // namespace kinesys::producer::detail
