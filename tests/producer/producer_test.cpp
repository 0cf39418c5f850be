// Test that header file is self-contained.
#include "kinesys/detail/producer/producer.hpp"

#include "stream_fixture.hpp"

#include <peers.hpp>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>

namespace kinesys::producer {
namespace {

using kinesys::test::read_record;
using kinesys::test::stream_client;

// One kinesalite for the whole suite: starting Node costs about a second.
class kinesalite_env {
public:
  static kinesalite_env& get() {
    static kinesalite_env env;
    return env;
  }
  std::string const& skip_reason() const { return why_; }
  std::string endpoint() const { return server_ ? server_->endpoint() : std::string(); }
  std::string fresh_stream(int shards) {
    std::string name = "producer-test-" + std::to_string(++counter_);
    stream_client(endpoint()).create(name, shards);
    return name;
  }

private:
  kinesalite_env() {
    why_ = kinesys::test::peers_unavailable_reason();
    if (!why_.empty()) return;
    server_ = kinesys::test::start_kinesalite();
    if (!server_) why_ = "kinesalite did not start";
  }
  std::string why_;
  std::optional<kinesys::test::peer_server> server_;
  int counter_ = 0;
};

#define REQUIRE_KINESALITE()                                         \
  do {                                                               \
    if (auto const& why = kinesalite_env::get().skip_reason(); !why.empty()) \
      GTEST_SKIP() << why;                                           \
  } while (0)

producer_config local_config() {
  producer_config c;
  c.kinesis_endpoint = kinesalite_env::get().endpoint();
  c.record_max_buffered_time = std::chrono::milliseconds(20);
  c.record_ttl = std::chrono::milliseconds(20000);
  c.cores = 2;
  return c;
}

// Puts `count` records over `keys` keys from one thread with put_async and
// waits for every completion. Returns the outcomes in put order.
std::vector<put_outcome> put_many(producer& p, std::string const& stream, int count, int keys,
                                  std::string const& prefix = "k") {
  std::vector<put_outcome> outcomes(count, put_error(errc::rejected, "never completed"));
  std::atomic<int> done{0};
  for (int i = 0; i < count; ++i) {
    std::string key = prefix + std::to_string(i % keys);
    std::string data = key + "#" + std::to_string(i / keys);
    p.put_async(stream, key, data, [&outcomes, &done, i](put_outcome o) {
      outcomes[i] = std::move(o);
      done.fetch_add(1);
    });
  }
  p.flush_sync();
  EXPECT_EQ(done.load(), count);
  return outcomes;
}

// Checks that, per key, the records read back carry the sequence
// "key#0", "key#1", ... in stream order, with nothing missing or repeated.
void expect_per_key_order(std::vector<read_record> const& records, int count, int keys) {
  std::map<std::string, int> next;
  for (auto const& r : records) {
    auto hash = r.data.find('#');
    ASSERT_NE(hash, std::string::npos) << r.data;
    std::string key = r.data.substr(0, hash);
    EXPECT_EQ(key, r.partition_key);
    int n = std::stoi(r.data.substr(hash + 1));
    EXPECT_EQ(n, next[key]) << "key " << key << " out of order";
    next[key] = n + 1;
  }
  int total = 0;
  for (auto const& [k, n] : next) total += n;
  EXPECT_EQ(total, count);
  EXPECT_EQ(static_cast<int>(next.size()), keys);
}

TEST(producer, every_record_is_acknowledged_and_read_back_in_put_order_per_key) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(3);
  producer p(local_config(), kinesys::test::local_environment());
  auto outcomes = put_many(p, stream, 3000, 37);
  for (auto const& o : outcomes) ASSERT_TRUE(o) << o.error().message;
  auto records = stream_client(kinesalite_env::get().endpoint()).read_all(stream);
  ASSERT_EQ(records.size(), 3000u);
  expect_per_key_order(records, 3000, 37);
  // Aggregation packed many user records per Kinesis record.
  auto m = p.metrics();
  EXPECT_EQ(m.user_records_put, 3000u);
  EXPECT_LT(m.kinesis_records_put, 300u);
  EXPECT_TRUE(records.front().aggregated);
  std::uint64_t data_bytes = 0;
  for (auto const& r : records) data_bytes += r.data.size();
  EXPECT_EQ(m.user_records_data_put, data_bytes);
}

TEST(producer, put_result_names_the_shard_and_sequence_the_record_landed_at) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  producer p(local_config(), kinesys::test::local_environment());
  auto outcomes = put_many(p, stream, 200, 10);
  auto records = stream_client(kinesalite_env::get().endpoint()).read_all(stream);
  ASSERT_EQ(records.size(), 200u);
  std::map<std::string, read_record const*> by_data;
  for (auto const& r : records) by_data[r.data] = &r;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(outcomes[i]);
    std::string data = "k" + std::to_string(i % 10) + "#" + std::to_string(i / 10);
    auto const* r = by_data.at(data);
    EXPECT_EQ(outcomes[i]->shard_id, r->shard_id);
    EXPECT_EQ(outcomes[i]->sequence_number, r->sequence_number);
    EXPECT_EQ(outcomes[i]->sub_sequence, r->sub_sequence);
    EXPECT_GE(outcomes[i]->attempts, 1u);
  }
}

TEST(producer, unaggregated_records_arrive_as_plain_records_in_order) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  auto c = local_config();
  c.aggregation_enabled = false;
  producer p(c, kinesys::test::local_environment());
  auto outcomes = put_many(p, stream, 300, 7);
  for (auto const& o : outcomes) ASSERT_TRUE(o) << o.error().message;
  auto records = stream_client(kinesalite_env::get().endpoint()).read_all(stream);
  ASSERT_EQ(records.size(), 300u);
  for (auto const& r : records) EXPECT_FALSE(r.aggregated);
  expect_per_key_order(records, 300, 7);
  auto m = p.metrics();
  EXPECT_EQ(m.kinesis_records_put, 300u);
  EXPECT_EQ(m.user_records_put, 300u);
  std::uint64_t data_bytes = 0;
  for (auto const& r : records) data_bytes += r.data.size();
  EXPECT_EQ(m.user_records_data_put, data_bytes);
  EXPECT_EQ(m.kinesis_records_data_put, data_bytes);
}

TEST(producer, compressed_records_unwrap_to_the_same_user_records) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  auto c = local_config();
  c.compression = compression_codec::zstd;
  producer p(c, kinesys::test::local_environment());
  auto outcomes = put_many(p, stream, 1000, 5);
  for (auto const& o : outcomes) ASSERT_TRUE(o) << o.error().message;
  auto records = stream_client(kinesalite_env::get().endpoint()).read_all(stream);
  expect_per_key_order(records, 1000, 5);
  // Repetitive text compresses: fewer bytes went to Kinesis than were put.
  auto m = p.metrics();
  EXPECT_LT(m.kinesis_records_data_put, m.user_records_data_put);
}

TEST(producer, stamps_carry_the_producer_id_and_increase_per_key) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  auto c = local_config();
  c.producer_id = "p42";
  producer p(c, kinesys::test::local_environment());
  put_many(p, stream, 400, 4);
  auto records = stream_client(kinesalite_env::get().endpoint()).read_all(stream);
  ASSERT_EQ(records.size(), 400u);
  std::map<std::string, std::uint64_t> last;
  for (auto const& r : records) {
    ASSERT_EQ(r.stamp.rfind("p42", 0), 0u) << r.stamp;
    auto colon = r.stamp.rfind(':');
    std::uint64_t seq = std::stoull(r.stamp.substr(colon + 1));
    std::string origin = r.stamp.substr(0, colon);
    EXPECT_GT(seq, last[origin + "/" + r.partition_key]);
    last[origin + "/" + r.partition_key] = seq;
  }
}

TEST(producer, a_coroutine_put_resumes_with_the_result) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  producer p(local_config(), kinesys::test::local_environment());
  boost::asio::io_context io;
  auto f = boost::asio::co_spawn(
      io,
      [&]() -> boost::asio::awaitable<std::pair<put_outcome, put_outcome>> {
        auto a = co_await p.put(stream, "coro", "first");
        // A named key: g++ 12 mishandles class temporaries inside co_await.
        record_key key{"coro-2", ""};
        auto b = co_await p.put(stream, key, "second");
        co_return std::pair{std::move(a), std::move(b)};
      },
      boost::asio::use_future);
  io.run();
  auto [a, b] = f.get();
  ASSERT_TRUE(a) << a.error().message;
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(a->shard_id, "shardId-000000000000");
  EXPECT_FALSE(a->sequence_number.empty());
}

TEST(producer, bad_input_fails_at_once_with_a_clear_error) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  producer p(local_config(), kinesys::test::local_environment());
  auto empty = p.put_future(stream, "", "x").get();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), errc::partition_key_empty);
  auto long_key = p.put_future(stream, std::string(257, 'k'), "x").get();
  ASSERT_FALSE(long_key);
  EXPECT_EQ(long_key.error(), errc::partition_key_too_long);
  auto big = p.put_future(stream, "k", std::string(1024 * 1024 + 1, 'x')).get();
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error(), errc::record_too_large);
  EXPECT_NE(big.error().message.find("1048577"), std::string::npos) << big.error().message;
  auto ehk = p.put_future(stream, "k", "x", {.explicit_hash_key = "12x"}).get();
  ASSERT_FALSE(ehk);
  EXPECT_EQ(ehk.error(), errc::explicit_hash_key_invalid);
  // The largest legal record still goes through.
  auto max = p.put_future(stream, "k", std::string(1024 * 1024 - 1, 'x')).get();
  EXPECT_TRUE(max) << max.error().message;
}

TEST(producer, unknown_stream_fails_with_stream_not_found_naming_it) {
  REQUIRE_KINESALITE();
  producer p(local_config(), kinesys::test::local_environment());
  auto r = p.put_future("no-such-stream", "k", "x").get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::stream_not_found);
  EXPECT_NE(r.error().message.find("no-such-stream"), std::string::npos) << r.error().message;
}

// A stream deleted while records are queued for it: the first request finds
// it gone; everything else this producer holds for it must fail with that
// reason too (it is never pumped again), so close() returns.
TEST(producer, records_queued_for_a_stream_deleted_under_them_fail_and_close_returns) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  auto c = local_config();
  c.aggregation_enabled = false;  // 500 Kinesis records per request: several requests
  c.max_connections = 1;          // one at a time, so the rest stay queued
  producer p(c, kinesys::test::local_environment());
  ASSERT_TRUE(p.put_future(stream, "k", "x").get());  // the shard map is loaded

  stream_client admin(kinesalite_env::get().endpoint());
  engine::aws::delete_stream_request del{engine::aws::stream_ref{stream, ""}, true};
  ASSERT_TRUE(kinesys::test::run_on(admin.io(), admin.client().delete_stream(del)));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto r = kinesys::test::run_on(admin.io(), admin.client().list_all_shards(engine::aws::stream_ref{stream, ""}));
    gone = !r && r.error().is("ResourceNotFoundException");
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polls kinesalite's deletion, bounded
  }
  ASSERT_TRUE(gone) << "kinesalite did not delete the stream";

  int const n = 2000;
  std::atomic<int> not_found{0}, other{0};
  for (int i = 0; i < n; ++i)
    p.put_async(stream, "k" + std::to_string(i), "payload", [&](put_outcome o) {
      (!o && o.error() == errc::stream_not_found ? not_found : other).fetch_add(1);
    });
  std::promise<void> closed;
  auto done = closed.get_future();
  std::thread closer([&] {
    p.close();
    closed.set_value();
  });
  if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "close() did not return: " << p.outstanding() << " records still wait for a deleted stream";
    std::abort();  // the producer cannot be destroyed while close() waits
  }
  closer.join();
  EXPECT_EQ(not_found.load(), n);
  EXPECT_EQ(other.load(), 0);
}

TEST(producer, explicit_hash_key_places_the_record_on_its_shard) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  stream_client client(kinesalite_env::get().endpoint());
  auto shards = client.shards(stream);
  ASSERT_EQ(shards.size(), 2u);
  producer p(local_config(), kinesys::test::local_environment());
  for (auto const& s : shards) {
    std::string ehk = codecs::to_decimal(s.hash_key_range.starting);
    auto r = p.put_future(stream, "same-key", "to " + s.shard_id, {.explicit_hash_key = ehk}).get();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->shard_id, s.shard_id);
  }
}

TEST(producer, close_completes_every_outstanding_record_then_refuses_puts) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  auto c = local_config();
  c.record_max_buffered_time = std::chrono::milliseconds(5000);  // only close() flushes
  producer p(c, kinesys::test::local_environment());
  std::atomic<int> ok{0};
  for (int i = 0; i < 500; ++i)
    p.put_async(stream, "k" + std::to_string(i % 9), "v", [&](put_outcome o) { ok += o ? 1 : 0; });
  p.close();
  EXPECT_EQ(ok.load(), 500);
  EXPECT_EQ(p.outstanding(), 0u);
  auto after = p.put_future(stream, "k", "late").get();
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error(), errc::producer_closed);
}

TEST(producer, checkpoint_advances_only_over_acknowledged_offsets) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(2);
  producer p(local_config(), kinesys::test::local_environment());
  auto src = p.source("input.log");
  EXPECT_FALSE(p.checkpoint(src));
  for (std::uint64_t off = 100; off <= 1000; off += 100)
    p.put_async(stream, "k" + std::to_string(off), "line", [](put_outcome) {}, {.source = src, .offset = off});
  p.flush_sync();
  EXPECT_EQ(p.checkpoint(src), 1000u);
}

producer_config fail_fast_config(std::uint64_t max_outstanding_records, std::chrono::milliseconds buffered) {
  auto c = local_config();
  c.max_outstanding_records = max_outstanding_records;
  c.backpressure = backpressure_mode::fail;
  c.record_max_buffered_time = buffered;
  return c;
}

TEST(producer, fail_fast_backpressure_refuses_beyond_the_outstanding_limit) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  producer p(fail_fast_config(10, std::chrono::milliseconds(2000)), kinesys::test::local_environment());
  std::atomic<int> refused{0}, ok{0};
  for (int i = 0; i < 30; ++i)
    p.put_async(stream, "k", "v", [&](put_outcome o) {
      if (o) ++ok;
      else if (o.error() == errc::outstanding_limit) ++refused;
    });
  EXPECT_EQ(refused.load(), 20);
  EXPECT_LE(p.outstanding(), 10u);
  p.flush_sync();
  EXPECT_EQ(ok.load(), 10);
}

// An application that puts its next record when the previous one completes
// must find the room that record held, even with room for one and
// fail-fast back-pressure; flush_sync() still returns only after the last
// callback ran.
TEST(producer, a_put_from_a_completion_callback_finds_the_room_its_record_gave_back) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  producer p(fail_fast_config(1, std::chrono::milliseconds(1)), kinesys::test::local_environment());
  constexpr int chain = 20;
  std::atomic<int> ok{0}, refused{0};
  std::promise<void> ended;
  std::function<void(put_outcome)> next = [&](put_outcome o) {
    if (!o) {
      ++refused;
      ended.set_value();
      return;
    }
    if (++ok < chain) p.put_async(stream, "k", "v" + std::to_string(ok.load()), next);
    else ended.set_value();
  };
  p.put_async(stream, "k", "v0", next);
  ASSERT_EQ(ended.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  p.flush_sync();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(ok.load(), chain);
}

// A flush sends what was put before it, and no more: under a constant feed
// the core is never empty, and records put after the flush must still
// aggregate for RecordMaxBufferedTime instead of going out at once for good.
TEST(producer, under_a_constant_feed_a_flush_does_not_turn_into_sending_everything_at_once) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  auto c = local_config();
  c.record_max_buffered_time = std::chrono::milliseconds(1000);
  producer p(c, kinesys::test::local_environment());
  std::atomic<bool> stop{false};
  std::atomic<int> fed{0};
  std::thread feeder([&] {
    while (!stop.load()) {
      p.put_async(stream, "feed", "r" + std::to_string(fed.load()), [](put_outcome) {});
      ++fed;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the feed's pace: ~500 records/s
    }
  });
  while (fed.load() < 50) std::this_thread::yield();
  p.flush();
  auto const after_flush = p.metrics().kinesis_records_put;
  // Watch the feed for 2.5 s: aggregates of 1 s make about three Kinesis
  // records (plus the flush's own, which may land inside the window).
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the window measured, not a synchronisation
  auto const sent = p.metrics().kinesis_records_put - after_flush;
  stop = true;
  feeder.join();
  p.flush_sync();
  EXPECT_LE(sent, 6u) << "after one flush every record went out on its own: " << sent << " Kinesis records in 2.5 s";
  EXPECT_GE(sent, 1u);
}

TEST(producer, metrics_are_exposed_as_prometheus_text) {
  REQUIRE_KINESALITE();
  auto stream = kinesalite_env::get().fresh_stream(1);
  producer p(local_config(), kinesys::test::local_environment());
  put_many(p, stream, 50, 5);
  auto text = p.prometheus_text();
  EXPECT_NE(text.find("kinesys_producer_user_records_put_total 50\n"), std::string::npos) << text;
  EXPECT_NE(text.find("kinesys_producer_user_records_pending 0\n"), std::string::npos);
}

}  // namespace
}  // namespace kinesys::producer
