// What the producer aggregates is read back by an independent stack: the AWS
// SDK for JavaScript reads the stream and the npm aws-kinesis-agg package
// splits the records (checksums verified) into exactly the user records put
// — partition keys, explicit hash keys and data, in put order per key.
#include "kinesys/detail/producer/producer.hpp"

#include "stream_fixture.hpp"

#include <kinesys/local.hpp>
#include <peers.hpp>

#include <gtest/gtest.h>

#include <map>

namespace kinesys::producer {
namespace {

struct put_record {
  std::string partition_key;
  std::string explicit_hash_key;
  std::string data;
};

struct read_back {
  std::string shard_id, partition_key, explicit_hash_key, data;
  bool aggregated = false;
};

std::vector<read_back> read_with_node(std::string const& endpoint, std::string const& stream) {
  auto r = kinesys::test::run_node_script("producer-read-stream.js", {endpoint, stream});
  EXPECT_EQ(r.exit_status, 0) << r.out;
  std::vector<read_back> out;
  if (r.exit_status != 0) return out;
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(r.out));
  for (auto value : doc.get_array()) {
    auto obj = value.get_object();
    read_back b;
    for (auto field : obj) {
      std::string_view key = field.unescaped_key().value();
      if (key == "aggregated") {
        b.aggregated = field.value().get_bool().value();
        continue;
      }
      std::string_view text = field.value().get_string().value();
      if (key == "shardId") b.shard_id = text;
      else if (key == "partitionKey") b.partition_key = text;
      else if (key == "explicitHashKey") b.explicit_hash_key = text;
      else if (key == "data") {
        auto decoded = codecs::base64_decode(text);
        EXPECT_TRUE(decoded);
        if (decoded) b.data = *decoded;
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

TEST(producer_interop, aws_kinesis_agg_splits_our_aggregates_into_the_records_put) {
  KINESYS_REQUIRE_PEERS();
  local::local_server server{local::local_options{}};
  ASSERT_TRUE(server.start());
  kinesys::test::stream_client client(server.endpoint());
  client.create("interop", 3);
  auto shards = client.shards("interop");
  ASSERT_EQ(shards.size(), 3u);

  // Keys of every shape: ASCII, multi-byte UTF-8, the longest allowed, and
  // explicit hash keys that pin records to each shard; binary and empty data.
  std::vector<put_record> puts;
  std::vector<std::string> keys{"device-1", "dévice-ü-✓", std::string(256, 'k'), "日本語のキー"};
  for (int i = 0; i < 600; ++i) {
    put_record p;
    p.partition_key = keys[i % keys.size()];
    p.data = p.partition_key.substr(0, 8) + "#" + std::to_string(i);
    if (i % 50 == 7) p.data += std::string("\0\x01\xff\xfe", 4);
    if (i % 97 == 3) p.data.clear();
    if (i % 10 == 9) {
      p.partition_key = "pinned";
      p.explicit_hash_key = codecs::to_decimal(shards[(i / 10) % 3].hash_key_range.starting + 12345);
      p.data = "pinned#" + std::to_string(i);
    }
    puts.push_back(std::move(p));
  }

  producer_config c;
  c.kinesis_endpoint = server.endpoint();
  c.record_max_buffered_time = std::chrono::milliseconds(20);
  c.cores = 2;
  producer p(c, kinesys::test::local_environment());
  std::atomic<int> ok{0};
  for (auto const& r : puts)
    p.put_async("interop", r.partition_key, r.data, [&](put_outcome o) { ok += o ? 1 : 0; },
                {.explicit_hash_key = r.explicit_hash_key});
  p.flush_sync();
  ASSERT_EQ(ok.load(), 600);

  auto read = read_with_node(server.endpoint(), "interop");
  ASSERT_EQ(read.size(), puts.size());
  std::map<std::string, std::vector<std::string>> expected, actual;
  std::map<std::string, std::string> ehk_of_data;
  // Order holds per routing key: the partition key, or the explicit hash
  // key where one pins the record.
  for (auto const& r : puts) {
    expected[r.partition_key + "|" + r.explicit_hash_key].push_back(r.data);
    if (!r.explicit_hash_key.empty()) ehk_of_data[r.data] = r.explicit_hash_key;
  }
  int aggregated = 0;
  for (auto const& r : read) {
    auto pinned = ehk_of_data.find(r.data);
    actual[r.partition_key + "|" + (pinned != ehk_of_data.end() ? pinned->second : "")].push_back(r.data);
    aggregated += r.aggregated;
    // aws-kinesis-agg reports explicit hash keys faithfully only for records
    // that have one (see PEERS.md); compare those.
    if (auto it = ehk_of_data.find(r.data); it != ehk_of_data.end()) {
      EXPECT_EQ(r.explicit_hash_key, it->second);
      auto const& shard = *std::find_if(shards.begin(), shards.end(),
                                        [&](auto const& s) { return s.shard_id == r.shard_id; });
      EXPECT_TRUE(shard.hash_key_range.contains(codecs::parse_hash_key(it->second).value()));
    }
  }
  EXPECT_EQ(actual.size(), expected.size());
  for (auto const& [key, want] : expected) {
    auto const& got = actual[key];
    ASSERT_EQ(got.size(), want.size()) << "key " << key;
    for (std::size_t i = 0; i < want.size(); ++i)
      ASSERT_EQ(got[i], want[i]) << "key " << key << ", record " << i;
  }
  EXPECT_GT(aggregated, 500);
}

}  // namespace
}  // namespace kinesys::producer
