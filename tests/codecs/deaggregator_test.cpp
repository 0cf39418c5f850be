#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <memory>

namespace codecs = kinesys::codecs;
using codecs::errc;

namespace {

// Frames protobuf bytes as an aggregated record with a valid MD5.
std::string seal(std::string_view protobuf)
{
  auto d = codecs::md5(protobuf);
  std::string s("\xF3\x89\x9A\xC2", 4);
  s += protobuf;
  s.append(reinterpret_cast<char const*>(d.data()), d.size());
  return s;
}

std::string sample()
{
  codecs::aggregator agg;
  codecs::tag tags[] = {{"tk", "tv"}};
  agg.try_add({"first", "", "one", {}});
  agg.try_add({"second", "99", "two", tags});
  agg.try_add({"first", "", "three", {}});
  return std::string(agg.finish());
}

}  // namespace

TEST(deaggregator, data_without_the_magic_is_a_plain_record)
{
  codecs::deaggregator d;
  for (std::string_view plain : {std::string_view(""), std::string_view("{\"a\":1}"), std::string_view("\xF3\x89\x9A", 3)}) {
    auto r = d.decode(plain);
    ASSERT_TRUE(r);
    EXPECT_FALSE(*r);
    EXPECT_TRUE(d.records().empty());
  }
  EXPECT_FALSE(codecs::is_aggregated("\xF3\x89\x9A\xC2"));
}

TEST(deaggregator, a_record_whose_md5_does_not_match_is_a_plain_record)
{
  auto s = sample();
  s[s.size() - 1] ^= 1;
  codecs::deaggregator d;
  auto r = d.decode(s);
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
  auto split = d.split(s, "outer", "5");
  ASSERT_TRUE(split);
  ASSERT_EQ(split->size(), 1u);
  EXPECT_EQ((*split)[0].partition_key, "outer");
  EXPECT_EQ((*split)[0].explicit_hash_key, "5");
  EXPECT_EQ((*split)[0].data, s);
}

TEST(deaggregator, truncation_at_every_offset_yields_a_plain_record)
{
  auto s = sample();
  codecs::deaggregator d;
  for (std::size_t n = 0; n < s.size(); ++n) {
    auto r = d.decode(std::string_view(s).substr(0, n));
    ASSERT_TRUE(r) << n;
    EXPECT_FALSE(*r) << n;
  }
}

TEST(deaggregator, truncated_protobuf_behind_a_good_md5_never_crashes_and_errors_point_inside)
{
  auto s = sample();
  std::string_view pb = std::string_view(s).substr(4, s.size() - 20);
  codecs::deaggregator d;
  int errors = 0;
  for (std::size_t n = 0; n < pb.size(); ++n) {
    auto sealed = seal(pb.substr(0, n));
    auto r = d.decode(sealed);
    if (!r) {
      ++errors;
      EXPECT_LE(r.error().offset, sealed.size()) << n;
      EXPECT_FALSE(r.error().message().empty());
    } else {
      EXPECT_TRUE(*r);
      EXPECT_LE(d.records().size(), 3u);
    }
  }
  EXPECT_GT(errors, 0);
}

TEST(deaggregator, names_the_offset_of_a_malformed_field)
{
  // Table entry "k", then a Record whose data length runs past the end.
  std::string pb = std::string("\x0a\x01k", 3) + std::string("\x1a\x04\x08\x00\x1a\x09", 6);
  auto r = codecs::deaggregator{}.decode(seal(pb));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::aggregated_truncated);
  EXPECT_EQ(r.error().field, "Record.data");
  EXPECT_EQ(r.error().offset, 4u + 3 + 6);  // just after the length prefix
}

TEST(deaggregator, rejects_indexes_outside_the_tables)
{
  std::string pb = std::string("\x0a\x01k", 3) + std::string("\x1a\x04\x08\x01\x1a\x00", 6);
  auto r = codecs::deaggregator{}.decode(seal(pb));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::aggregated_index_out_of_range);
  EXPECT_EQ(r.error().offset, 4u + 3 + 2);

  pb = std::string("\x0a\x01k", 3) + std::string("\x1a\x06\x08\x00\x10\x00\x1a\x00", 8);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(pb)).error(), errc::aggregated_index_out_of_range);
}

TEST(deaggregator, rejects_missing_required_fields_and_wrong_wire_types)
{
  std::string table("\x0a\x01k", 3);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(table + std::string("\x1a\x02\x1a\x00", 4))).error(), errc::aggregated_missing_field);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(table + std::string("\x1a\x02\x08\x00", 4))).error(), errc::aggregated_missing_field);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(std::string("\x08\x01", 2))).error(), errc::aggregated_bad_wire_type);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(table + std::string("\x1a\x02\x0a\x00", 4))).error(), errc::aggregated_bad_wire_type);
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(std::string("\x0b", 1))).error(), errc::aggregated_bad_wire_type);  // group
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(std::string("\x00", 1))).error(), errc::aggregated_bad_wire_type);  // field 0
  EXPECT_EQ(codecs::deaggregator{}.decode(seal(std::string("\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11))).error(),
            errc::aggregated_varint_overflow);
}

TEST(deaggregator, skips_unknown_fields_and_accepts_tables_after_records)
{
  std::string pb = std::string("\x1a\x07\x08\x00\x1a\x01x\x28\x05", 9)  // Record + unknown varint field 5
                   + std::string("\x3d\x01\x02\x03\x04", 5)               // unknown fixed32 field 7
                   + std::string("\x41\x01\x02\x03\x04\x05\x06\x07\x08", 9)  // unknown fixed64 field 8
                   + std::string("\x0a\x03key", 5);                       // table after the record
  codecs::deaggregator d;
  auto sealed = seal(pb);
  auto r = d.decode(sealed);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_TRUE(*r);
  ASSERT_EQ(d.records().size(), 1u);
  EXPECT_EQ(d.records()[0].partition_key, "key");
  EXPECT_EQ(d.records()[0].data, "x");
}

TEST(deaggregator, records_are_views_into_the_input)
{
  auto s = sample();
  codecs::deaggregator d;
  ASSERT_TRUE(*d.decode(s));
  ASSERT_EQ(d.records().size(), 3u);
  for (auto const& u : d.records()) {
    EXPECT_GE(u.data.data(), s.data());
    EXPECT_LE(u.data.data() + u.data.size(), s.data() + s.size());
  }
  EXPECT_EQ(d.records()[1].partition_key, "second");
  EXPECT_EQ(d.records()[1].explicit_hash_key, "99");
  ASSERT_EQ(d.records()[1].tags.size(), 1u);
  EXPECT_EQ(d.records()[1].tags[0].key, "tk");
  EXPECT_EQ(d.records()[1].tags[0].value, "tv");
  EXPECT_EQ(d.records()[2].data, "three");
  EXPECT_EQ(d.records()[2].explicit_hash_key, "");
}

TEST(deaggregator, checks_many_records_at_once_like_one_by_one)
{
  std::vector<std::string> records;
  for (int i = 0; i < 70; ++i) {
    codecs::aggregator agg;
    for (int j = 0; j < i; ++j) agg.try_add({"k", "", "data-" + std::to_string(j), {}});
    records.emplace_back(agg.finish());
    if (i % 5 == 1) records.back()[records.back().size() - 1] ^= 1;  // bad MD5
    if (i % 7 == 2) records.back() = "{\"plain\":true}";
  }
  std::vector<std::string_view> views(records.begin(), records.end());
  std::unique_ptr<bool[]> ok(new bool[views.size()]);
  codecs::check_aggregated(views, ok.get());
  codecs::deaggregator d;
  for (std::size_t i = 0; i < views.size(); ++i) {
    ASSERT_EQ(ok[i], codecs::is_aggregated(views[i])) << i;
    if (ok[i]) {
      auto r = d.decode(views[i], codecs::md5_check::already_verified);
      ASSERT_TRUE(r && *r);
      EXPECT_EQ(d.records().size(), i);
    }
  }
}
