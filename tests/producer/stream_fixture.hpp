#pragma once
// Helpers for producer tests against a real Kinesis-compatible server on
// loopback: create a stream, read every record back (GetRecords from
// TRIM_HORIZON) and split aggregated records into user records with the
// codecs deaggregator, in stream order.
#include <kinesys/codecs.hpp>
#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/producer.hpp>

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <map>
#include <string>
#include <vector>

namespace kinesys::test {

/// Credentials and region for a local server: kinesys-local's documented
/// key pair (the peers accept any).
inline engine::aws::environment local_environment() {
  return engine::aws::environment::from_map({{"AWS_ACCESS_KEY_ID", "kinesys-local"},
                                             {"AWS_SECRET_ACCESS_KEY", "kinesys-local-secret"},
                                             {"AWS_REGION", "us-east-1"}});
}

template <class T>
T run_on(boost::asio::io_context& io, boost::asio::awaitable<T> a) {
  auto f = boost::asio::co_spawn(io, std::move(a), boost::asio::use_future);
  io.restart();
  io.run();
  return f.get();
}

/// One user record as read back from the stream.
struct read_record {
  std::string shard_id;
  std::string sequence_number;
  std::uint64_t sub_sequence = 0;
  std::string partition_key;
  std::string explicit_hash_key;
  std::string data;
  std::string stamp;  ///< the "ks" tag, if any
  bool aggregated = false;
};

class stream_client {
public:
  explicit stream_client(std::string endpoint_url)
      : http_(io_.get_executor()),
        client_(http_, engine::endpoint::parse(endpoint_url).value(),
                engine::aws::credentials{"kinesys-local", "kinesys-local-secret", "", "test"}, "us-east-1") {}

  void create(std::string const& name, int shards) {
    engine::aws::create_stream_request r{name, shards, engine::aws::stream_mode::provisioned};
    auto created = run_on(io_, client_.create_stream(r));
    ASSERT_TRUE(created) << created.error().describe();
    auto active = run_on(io_, client_.wait_for_stream(engine::aws::stream_ref{name, ""}));
    ASSERT_TRUE(active) << active.error().describe();
  }

  std::vector<engine::aws::shard> shards(std::string const& name) {
    auto r = run_on(io_, client_.list_all_shards(engine::aws::stream_ref{name, ""}));
    EXPECT_TRUE(r) << r.error().describe();
    return r ? *r : std::vector<engine::aws::shard>{};
  }

  /// Every user record of every shard, each shard in stream order.
  std::vector<read_record> read_all(std::string const& name) {
    std::vector<read_record> out;
    for (auto const& shard : shards(name)) {
      engine::aws::get_shard_iterator_request it{engine::aws::stream_ref{name, ""}, shard.shard_id,
                                                 engine::aws::shard_iterator_type::trim_horizon, "", {}};
      auto iterator = run_on(io_, client_.get_shard_iterator(it));
      EXPECT_TRUE(iterator) << iterator.error().describe();
      if (!iterator) return out;
      std::string next = *iterator;
      for (int empty = 0; !next.empty() && empty < 2;) {
        engine::aws::get_records_request req{next, 10000, ""};
        auto page = run_on(io_, client_.get_records(req));
        EXPECT_TRUE(page) << page.error().describe();
        if (!page) return out;
        if (page->records.empty()) ++empty;
        for (auto const& rec : page->records) split(shard, rec, out);
        next = page->next_shard_iterator;
      }
    }
    return out;
  }

  engine::aws::kinesis_client& client() { return client_; }
  boost::asio::io_context& io() { return io_; }

private:
  /// Sub-records whose hash key lies outside the shard's range were put
  /// there by an aggregate routed with a stale map; like the KCL, the
  /// reader drops them (the producer sends them again).
  std::size_t dropped_out_of_range = 0;

private:
  void split(engine::aws::shard const& shard, engine::aws::kinesis_record const& rec, std::vector<read_record>& out) {
    std::string const& shard_id = shard.shard_id;
    std::string scratch;
    std::string_view data = rec.data;
    if (codecs::is_envelope(data)) {
      auto unwrapped = codecs::unwrap(data, scratch);
      ASSERT_TRUE(unwrapped) << unwrapped.error().message();
      data = *unwrapped;
    }
    auto users = deaggregator_.split(data, rec.partition_key);
    ASSERT_TRUE(users) << users.error().message();
    bool aggregated = codecs::is_aggregated(data);
    std::uint64_t sub = 0;
    for (auto const& u : *users) {
      if (aggregated) {
        codecs::uint128 h = u.explicit_hash_key.empty() ? codecs::hash_key_of(u.partition_key)
                                                         : codecs::parse_hash_key(u.explicit_hash_key).value();
        if (!shard.hash_key_range.contains(h)) {
          ++dropped_out_of_range;
          ++sub;
          continue;
        }
      }
      read_record r;
      r.shard_id = shard_id;
      r.sequence_number = std::string(rec.sequence_number);
      r.sub_sequence = sub++;
      r.partition_key = std::string(u.partition_key);
      r.explicit_hash_key = std::string(u.explicit_hash_key);
      r.data = std::string(u.data);
      r.aggregated = aggregated;
      for (auto const& t : u.tags)
        if (t.key == "ks" && t.value) r.stamp = std::string(*t.value);
      out.push_back(std::move(r));
    }
  }

  boost::asio::io_context io_{1};
  engine::http_client http_;
  engine::aws::kinesis_client client_;
  codecs::deaggregator deaggregator_;
};

}  // namespace kinesys::test
