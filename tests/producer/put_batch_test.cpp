// put_batch_async against kinesys-local: every record of a batch is
// answered once, under its own index, with what was stored for it; per key
// the stream keeps the batch's order; bad records fail alone; room is taken
// in parts when a batch outgrows the outstanding limits.
#include "kinesys/detail/producer/producer.hpp"

#include "stream_fixture.hpp"

#include <kinesys/local.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

namespace kinesys::producer {
namespace {

using kinesys::test::stream_client;

struct local_stream {
  explicit local_stream(int shards) {
    auto port = server.start();
    if (!port) throw std::runtime_error("kinesys-local did not start: " + port.error().message());
    stream_client(server.endpoint()).create(name, shards);
  }
  producer_config config() const {
    producer_config c;
    c.kinesis_endpoint = server.endpoint();
    c.record_max_buffered_time = std::chrono::milliseconds(20);
    c.cores = 2;
    return c;
  }
  local::local_server server{local::local_options{}};
  std::string name = "batch";
};

/// Outcomes by index; the callback may run on several cores at once.
struct outcomes {
  explicit outcomes(std::size_t n) : all(n, put_error(errc::rejected, "never completed")), calls(n, 0) {}
  producer::batch_callback callback() {
    return [this](std::size_t i, put_outcome const& o) {
      std::lock_guard lock(m);
      all.at(i) = o;
      ++calls.at(i);
    };
  }
  std::mutex m;
  std::vector<put_outcome> all;
  std::vector<int> calls;
};

/// A batch's records over their own storage: "key#n", n counting per key.
/// Not movable: the records view its strings.
struct batch_data {
  batch_data(batch_data const&) = delete;
  batch_data& operator=(batch_data const&) = delete;
  batch_data(int count, int keys, std::map<std::string, int>& next) {
    for (int i = 0; i < count; ++i) {
      std::string key = "k" + std::to_string(i % keys);
      storage.emplace_back(key, key + "#" + std::to_string(next[key]++));
    }
    for (auto const& [key, data] : storage) records.push_back({key, data});
  }
  std::vector<std::pair<std::string, std::string>> storage;
  std::vector<batch_record> records;
};

TEST(put_batch, each_record_is_answered_once_under_its_index_with_where_it_was_stored) {
  local_stream s(3);
  producer p(s.config(), kinesys::test::local_environment());
  std::map<std::string, int> next;
  // Deques: the records' views point into their batch, which must not move.
  std::deque<batch_data> batches;
  for (int b = 0; b < 4; ++b) batches.emplace_back(1000, 37, next);
  std::deque<outcomes> results;
  for (auto& b : batches) {
    results.emplace_back(b.records.size());
    p.put_batch_async(s.name, b.records, results.back().callback());
  }
  p.flush_sync();

  // Where each record was stored, by (sequence number, sub-sequence).
  auto stored = stream_client(s.server.endpoint()).read_all(s.name);
  ASSERT_EQ(stored.size(), 4000u);
  std::map<std::pair<std::string, std::uint64_t>, kinesys::test::read_record const*> at;
  std::map<std::string, int> seen;
  for (auto const& r : stored) {
    at[{r.sequence_number, r.sub_sequence}] = &r;
    // Per key, the batch's order is the stream's.
    auto hash = r.data.find('#');
    ASSERT_NE(hash, std::string::npos) << r.data;
    std::string key = r.data.substr(0, hash);
    EXPECT_EQ(std::stoi(r.data.substr(hash + 1)), seen[key]++) << "key " << key << " out of order";
  }
  for (std::size_t b = 0; b < batches.size(); ++b) {
    for (std::size_t i = 0; i < batches[b].records.size(); ++i) {
      ASSERT_EQ(results[b].calls[i], 1) << "batch " << b << " record " << i;
      auto const& o = results[b].all[i];
      ASSERT_TRUE(o) << o.error().message;
      auto found = at.find({std::string(o->sequence_number.view()), o->sub_sequence});
      ASSERT_NE(found, at.end()) << "batch " << b << " record " << i << ": no record at its sequence number";
      EXPECT_EQ(found->second->data, batches[b].storage[i].second) << "batch " << b << " record " << i;
      EXPECT_EQ(found->second->shard_id, o->shard_id.view());
    }
  }
  EXPECT_EQ(p.metrics().user_records_put, 4000u);
}

TEST(put_batch, a_bad_record_fails_alone_naming_its_limit) {
  local_stream s(1);
  producer p(s.config(), kinesys::test::local_environment());
  std::string const too_long_key(257, 'k');
  std::string const too_big(1024 * 1024 + 1, 'x');
  std::vector<batch_record> records{{"a", "first"},
                                    {"", "empty key"},
                                    {too_long_key, "long key"},
                                    {"b", too_big},
                                    {"c", "bad hash key", {.explicit_hash_key = "12x"}},
                                    {"a", "second"}};
  outcomes out(records.size());
  p.put_batch_async(s.name, records, out.callback());
  p.flush_sync();
  EXPECT_TRUE(out.all[0]) << out.all[0].error().message;
  ASSERT_FALSE(out.all[1]);
  EXPECT_EQ(out.all[1].error(), errc::partition_key_empty);
  ASSERT_FALSE(out.all[2]);
  EXPECT_EQ(out.all[2].error(), errc::partition_key_too_long);
  ASSERT_FALSE(out.all[3]);
  EXPECT_EQ(out.all[3].error(), errc::record_too_large);
  EXPECT_NE(out.all[3].error().message.find("1048577"), std::string::npos) << out.all[3].error().message;
  ASSERT_FALSE(out.all[4]);
  EXPECT_EQ(out.all[4].error(), errc::explicit_hash_key_invalid);
  EXPECT_TRUE(out.all[5]) << out.all[5].error().message;
  for (int c : out.calls) EXPECT_EQ(c, 1);
  auto stored = stream_client(s.server.endpoint()).read_all(s.name);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].data, "first");
  EXPECT_EQ(stored[1].data, "second");
}

TEST(put_batch, a_batch_larger_than_the_outstanding_limit_goes_in_parts) {
  local_stream s(2);
  auto c = s.config();
  c.max_outstanding_records = 100;
  producer p(c, kinesys::test::local_environment());
  std::map<std::string, int> next;
  batch_data b(1000, 7, next);
  outcomes out(b.records.size());
  p.put_batch_async(s.name, b.records, out.callback());
  // Every record had room taken by now, yet no more than the limit is
  // outstanding: the batch waited for room part by part instead of taking
  // it all at once.
  EXPECT_LE(p.outstanding(), 100u);
  p.flush_sync();
  for (auto const& o : out.all) ASSERT_TRUE(o) << o.error().message;
  auto stored = stream_client(s.server.endpoint()).read_all(s.name);
  ASSERT_EQ(stored.size(), 1000u);
  std::map<std::string, int> seen;
  for (auto const& r : stored) {
    std::string key = r.data.substr(0, r.data.find('#'));
    EXPECT_EQ(std::stoi(r.data.substr(r.data.find('#') + 1)), seen[key]++) << key;
  }
}

// Past 65,536 records a batch's working vectors are given back afterwards;
// the thread's next batch must start from fresh ones and work as before.
TEST(put_batch, a_very_large_batch_and_the_next_one_are_both_delivered) {
  local_stream s(2);
  producer p(s.config(), kinesys::test::local_environment());
  std::map<std::string, int> next;
  batch_data large(70000, 101, next);
  batch_data small(10, 3, next);
  outcomes large_out(large.records.size()), small_out(small.records.size());
  p.put_batch_async(s.name, large.records, large_out.callback());
  p.put_batch_async(s.name, small.records, small_out.callback());
  p.flush_sync();
  for (auto const& o : large_out.all) ASSERT_TRUE(o) << o.error().message;
  for (auto const& o : small_out.all) ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(stream_client(s.server.endpoint()).read_all(s.name).size(), 70010u);
}

TEST(put_batch, fail_fast_back_pressure_refuses_what_does_not_fit) {
  local_stream s(1);
  auto c = s.config();
  c.max_outstanding_records = 10;
  c.backpressure = backpressure_mode::fail;
  c.record_max_buffered_time = std::chrono::milliseconds(2000);
  producer p(c, kinesys::test::local_environment());
  std::map<std::string, int> next;
  batch_data b(30, 3, next);
  outcomes out(b.records.size());
  p.put_batch_async(s.name, b.records, out.callback());
  int refused = 0;
  {
    std::lock_guard lock(out.m);
    for (auto const& o : out.all)
      if (!o && o.error() == errc::outstanding_limit) ++refused;
  }
  EXPECT_EQ(refused, 20);
  p.flush_sync();
  int ok = 0;
  for (auto const& o : out.all) ok += o ? 1 : 0;
  EXPECT_EQ(ok, 10);
}

TEST(put_batch, checkpoints_advance_over_a_batchs_acknowledged_offsets) {
  local_stream s(2);
  producer p(s.config(), kinesys::test::local_environment());
  auto src = p.source("queue-partition-0");
  std::vector<std::string> keys;
  for (int i = 0; i < 50; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<batch_record> records;
  for (std::uint64_t off = 1; off <= 50; ++off)
    records.push_back({keys[off - 1], "event", {.source = src, .offset = off}});
  outcomes out(records.size());
  p.put_batch_async(s.name, records, out.callback());
  p.flush_sync();
  EXPECT_EQ(p.checkpoint(src), 50u);
}

TEST(put_batch, a_closed_producer_or_a_bad_stream_name_fails_every_record) {
  local_stream s(1);
  producer p(s.config(), kinesys::test::local_environment());
  std::vector<batch_record> records{{"a", "1"}, {"b", "2"}};
  outcomes unnamed(records.size());
  p.put_batch_async("", records, unnamed.callback());
  for (auto const& o : unnamed.all) {
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error(), errc::stream_not_found);
  }
  p.close();
  outcomes closed(records.size());
  p.put_batch_async(s.name, records, closed.callback());
  for (auto const& o : closed.all) {
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error(), errc::producer_closed);
  }
  // An empty batch has nothing to answer.
  int calls = 0;
  p.put_batch_async(s.name, {}, [&](std::size_t, put_outcome) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace kinesys::producer
