// Test that header file is self-contained.
#include <kinesys/detail/codecs/kpl_aggregation.hpp>

#include <kinesys/codecs.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <random>

namespace codecs = kinesys::codecs;
using codecs::user_record;

// Counts heap allocations so the steady-state test can prove there are none.
namespace {
std::atomic<std::size_t> allocations{0};
}
void* operator new(std::size_t n)
{
  ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return ::operator new(n); }
void* operator new(std::size_t n, std::nothrow_t const&) noexcept
{
  ++allocations;
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, std::nothrow_t const&) noexcept { return ::operator new(n, std::nothrow); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::nothrow_t const&) noexcept { std::free(p); }
void operator delete[](void* p, std::nothrow_t const&) noexcept { std::free(p); }

namespace {

std::vector<user_record> decode_all(std::string_view data, codecs::deaggregator& d)
{
  auto r = d.decode(data);
  EXPECT_TRUE(r && *r) << (r ? "plain record" : r.error().message());
  return {d.records().begin(), d.records().end()};
}

void expect_same(user_record const& a, user_record const& b)
{
  EXPECT_EQ(a.partition_key, b.partition_key);
  EXPECT_EQ(a.explicit_hash_key, b.explicit_hash_key);
  EXPECT_TRUE(a.data == b.data);
  ASSERT_EQ(a.tags.size(), b.tags.size());
  for (std::size_t i = 0; i < a.tags.size(); ++i) EXPECT_EQ(a.tags[i], b.tags[i]);
}

}  // namespace

TEST(aggregator, an_empty_aggregate_is_magic_protobuf_nothing_and_md5)
{
  codecs::aggregator agg;
  EXPECT_EQ(agg.size(), codecs::kpl_overhead);
  auto out = agg.finish();
  ASSERT_EQ(out.size(), 20u);
  EXPECT_EQ(out.substr(0, 4), "\xF3\x89\x9A\xC2");
  // MD5 of the empty string.
  EXPECT_EQ(out.substr(4), std::string_view("\xd4\x1d\x8c\xd9\x8f\x00\xb2\x04\xe9\x80\x09\x98\xec\xf8\x42\x7e", 16));
  codecs::deaggregator d;
  auto r = d.decode(out);
  ASSERT_TRUE(r);
  EXPECT_TRUE(*r);
  EXPECT_TRUE(d.records().empty());
}

TEST(aggregator, encodes_the_protobuf_bytes_the_kpl_format_describes)
{
  codecs::aggregator agg;
  codecs::tag tags[] = {{"t", std::nullopt}, {"k", "v"}};
  ASSERT_TRUE(agg.try_add({"pk", "", "ab", {}}));
  ASSERT_TRUE(agg.try_add({"pk", "42", "", tags}));
  auto out = agg.finish();
  using namespace std::string_literals;
  // Records first, then the tables: see kpl_aggregation.hpp.
  std::string expected =
      "\x1a\x06\x08\x00\x1a\x02" "ab"s  // Record{pk 0, data "ab"}
      "\x1a\x13\x08\x00\x10\x00\x1a\x00"  // Record{pk 0, ehk 0, data "" (19 bytes)
      "\x22\x03\x0a\x01t"              //   Tag{key "t"}
      "\x22\x06\x0a\x01k\x12\x01v"     //   Tag{key "k", value "v"}}
      "\x0a\x02pk"                       // partition_key_table[0]
      "\x12\x02" "42";                   // explicit_hash_key_table[0]
  ASSERT_EQ(out.size(), 4 + expected.size() + 16);
  EXPECT_EQ(out.substr(4, expected.size()), expected);
  auto digest = codecs::md5(expected);
  EXPECT_EQ(out.substr(4 + expected.size()), std::string_view(reinterpret_cast<char const*>(digest.data()), 16));
}

TEST(aggregator, predicted_size_is_exact_for_every_record_added)
{
  std::mt19937 rng(1);
  codecs::aggregator agg;
  std::vector<std::string> keys = {"a", "device-1", std::string(256, 'k'), "ключ", "😀"};
  std::vector<std::string> ehks = {"", "0", "340282366920938463463374607431768211455"};
  std::string data(3000, 'x');
  codecs::tag tags[] = {{"key", "value"}, {std::string_view(data).substr(0, 200), std::nullopt}};
  for (int i = 0; i < 2000; ++i) {
    user_record r{keys[rng() % keys.size()], ehks[rng() % ehks.size()],
                  std::string_view(data).substr(0, rng() % (i % 10 == 0 ? 3000 : 200)),
                  std::span<codecs::tag const>(tags).first(rng() % 3)};
    std::size_t predicted = agg.size_with(r);
    ASSERT_TRUE(agg.try_add(r));
    ASSERT_EQ(agg.size(), predicted);
  }
  EXPECT_EQ(agg.finish().size(), agg.size());
}

TEST(aggregator, fills_up_to_the_byte_limit_without_overshooting)
{
  codecs::aggregator agg({.max_bytes = 1024 * 1024});
  std::string data(100, 'd');
  std::size_t added = 0;
  while (agg.try_add({"key-" + std::to_string(added % 50), "", data, {}})) ++added;
  // key strings are temporaries: the aggregator copies what it keeps.
  EXPECT_LE(agg.finish().size(), 1024u * 1024u);
  EXPECT_GT(agg.size_with({"key-0", "", data, {}}), 1024u * 1024u);
  EXPECT_EQ(agg.count(), added);
  EXPECT_GT(added, 9000u);
  codecs::deaggregator d;
  EXPECT_EQ(decode_all(agg.finish(), d).size(), added);
}

TEST(aggregator, respects_the_record_count_limit)
{
  codecs::aggregator agg({.max_bytes = 1 << 20, .max_records = 3});
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(agg.try_add({"k", "", "d", {}}));
  EXPECT_FALSE(agg.try_add({"k", "", "d", {}}));
  EXPECT_EQ(agg.count(), 3u);
}

TEST(aggregator, refuses_a_record_too_large_on_its_own_and_stays_unchanged)
{
  codecs::aggregator agg;
  std::string big(1024 * 1024, 'x');
  EXPECT_FALSE(agg.try_add({"k", "", big, {}}));
  EXPECT_TRUE(agg.empty());
  EXPECT_EQ(agg.size(), codecs::kpl_overhead);
  // The largest data that fits: 20 bytes of framing, 1+1+1 key table,
  // record header 1+3 (length) + 2 (pk) + 1+3 (data length).
  std::string fits(1024 * 1024 - 20 - 3 - 4 - 2 - 4, 'x');
  EXPECT_TRUE(agg.try_add({"k", "", fits, {}}));
  EXPECT_EQ(agg.size(), 1024u * 1024u);
}

TEST(aggregator, round_trips_edge_cases)
{
  std::string mib(1024 * 1024 - 100, '\xab');
  codecs::tag tags[] = {{"", ""}, {"ünï", std::nullopt}};
  std::string const long_key(256, 'z');
  std::vector<user_record> in = {
      {"k", "", "", {}},
      {"k", "", "1", {}},
      {"ключ-😀", "123456789", std::string_view("\0\xff\0", 3), tags},
      {long_key, "", "x", {}},
  };
  codecs::aggregator agg;
  for (auto const& r : in) ASSERT_TRUE(agg.try_add(r));
  codecs::deaggregator d;
  auto out = decode_all(agg.finish(), d);
  ASSERT_EQ(out.size(), in.size());
  for (std::size_t i = 0; i < in.size(); ++i) expect_same(out[i], in[i]);

  codecs::aggregator big;
  ASSERT_TRUE(big.try_add({"k", "", mib, {}}));
  auto one = decode_all(big.finish(), d);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_TRUE(one[0].data == mib);
}

TEST(aggregator, round_trips_10000_sub_records_with_distinct_keys)
{
  codecs::aggregator agg;
  std::vector<std::string> keys, datas;
  for (int i = 0; i < 10000; ++i) {
    keys.push_back("pk-" + std::to_string(i));
    datas.push_back("payload " + std::to_string(i * 7));
  }
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(agg.try_add({keys[i], i % 3 ? "" : keys[i].substr(3), datas[i], {}}));
  codecs::deaggregator d;
  auto out = decode_all(agg.finish(), d);
  ASSERT_EQ(out.size(), 10000u);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(out[i].partition_key, keys[i]);
    ASSERT_EQ(out[i].data, datas[i]);
    ASSERT_EQ(out[i].explicit_hash_key, i % 3 ? "" : keys[i].substr(3));
  }
}

TEST(aggregator, adding_after_finish_extends_the_same_record)
{
  codecs::aggregator a, b;
  a.try_add({"k1", "", "one", {}});
  b.try_add({"k1", "", "one", {}});
  (void)a.finish();
  std::string copy;
  a.finish_into(copy);
  EXPECT_EQ(copy, a.finish());
  a.try_add({"k2", "5", "two", {}});
  b.try_add({"k2", "5", "two", {}});
  EXPECT_EQ(a.finish(), b.finish());
  EXPECT_EQ(a.size(), a.finish().size());
}

TEST(aggregator, finishing_many_at_once_gives_the_same_records_as_one_by_one)
{
  std::vector<codecs::aggregator> aggs(11), twins(11);
  std::string data(300, 'q');
  for (std::size_t a = 0; a < aggs.size(); ++a)
    for (std::size_t i = 0; i < a * 37; ++i) {
      std::string key = "k" + std::to_string(i % 13);
      user_record r{key, i % 3 ? "" : "77", std::string_view(data).substr(0, (i * 7 + a) % 300), {}};
      aggs[a].try_add(r);
      twins[a].try_add(r);
    }
  std::vector<codecs::aggregator*> batch;
  for (auto& a : aggs) batch.push_back(&a);
  codecs::aggregator::finish_all(batch);
  codecs::deaggregator d;
  for (std::size_t a = 0; a < aggs.size(); ++a) {
    ASSERT_EQ(aggs[a].finished_record(), twins[a].finish()) << a;
    ASSERT_TRUE(*d.decode(aggs[a].finished_record()));
    EXPECT_EQ(d.records().size(), a * 37);
  }
  aggs[3].try_add({"more", "", "x", {}});
  EXPECT_TRUE(aggs[3].finished_record().empty());
}

TEST(aggregator, digests_appended_later_and_together_give_the_finished_records)
{
  std::vector<codecs::aggregator> aggs(19);
  std::vector<std::string> later(aggs.size()), whole(aggs.size());
  std::string data(200, 'z');
  for (std::size_t a = 0; a < aggs.size(); ++a) {
    for (std::size_t i = 0; i < a * 29; ++i)
      aggs[a].try_add({"k" + std::to_string(i % 7), "", std::string_view(data).substr(0, (i * 5 + a) % 200), {}});
    later[a] = "leftover";  // overwritten by clear(), as the producer does
    later[a].clear();
    aggs[a].finish_into_without_digest(later[a]);
    EXPECT_EQ(later[a].size() + codecs::kpl_digest_size, aggs[a].size()) << a;
    aggs[a].finish_into(whole[a]);
  }
  // More than one chunk of side-by-side digests.
  std::vector<std::string*> batch;
  for (auto& s : later) batch.push_back(&s);
  codecs::aggregator::append_digests(batch);
  codecs::deaggregator d;
  for (std::size_t a = 0; a < aggs.size(); ++a) {
    ASSERT_EQ(later[a], whole[a]) << a;
    ASSERT_TRUE(*d.decode(later[a]));
    EXPECT_EQ(d.records().size(), a * 29);
  }
}

TEST(aggregator, reset_starts_over_and_produces_identical_output)
{
  codecs::aggregator agg;
  auto fill = [&] {
    for (int i = 0; i < 100; ++i) agg.try_add({i % 2 ? "odd" : "even", i % 5 ? "" : "7", "data", {}});
    return std::string(agg.finish());
  };
  auto first = fill();
  agg.reset();
  EXPECT_TRUE(agg.empty());
  EXPECT_EQ(fill(), first);
}

TEST(aggregator, allocates_nothing_in_steady_state)
{
  codecs::aggregator agg;
  codecs::deaggregator d;
  std::vector<std::string> keys;
  for (int i = 0; i < 500; ++i) keys.push_back("device-" + std::to_string(i));
  std::string data(100, 'x');
  auto cycle = [&] {
    agg.reset();
    for (int i = 0; agg.try_add({keys[i % keys.size()], "", data, {}}); ++i) {
    }
    auto out = agg.finish();
    auto r = d.decode(out);
    return r && *r ? d.records().size() : 0;
  };
  cycle();  // warm-up: buffers and tables reach their size
  cycle();
  std::size_t before = allocations.load();
  std::size_t records = cycle() + cycle();
  EXPECT_EQ(allocations.load(), before);
  EXPECT_GT(records, 18000u);
}
