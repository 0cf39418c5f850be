// The partition-key strategies side by side: each event is routed by a
// strategy, put, and the shard it landed on is printed. The key decides the
// shard (MD5 of the key, or the explicit hash key) and, through that, which
// records keep their relative order. docs/producer.md weighs the choices.
//
//   partition_keys STREAM      (a stream with several shards shows the spread)
//
// Region, endpoint and credentials come from the usual AWS environment.
#include <kinesys/producer.hpp>

#include <cstdio>
#include <future>
#include <string>
#include <vector>

namespace kp = kinesys::producer;

struct routed {
  std::string strategy, event, partition_key, explicit_hash_key;
  std::future<kp::put_outcome> outcome;
};

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s STREAM\n", argv[0]);
    return 2;
  }
  std::string const stream = argv[1];
  kp::producer p{kp::producer_config{}};

  std::vector<routed> puts;
  auto route = [&](char const* name, kp::partition_key_strategy const& s, std::string given, std::string event) {
    kp::record_key key;  // reusable: strategies write into it without allocating
    if (auto r = s.apply(given, event, key); !r) {
      std::printf("%-18s %-44s rejected: %s\n", name, event.c_str(), r.error().message.c_str());
      return;
    }
    kp::put_options options{.explicit_hash_key = key.explicit_hash_key};
    auto f = p.put_future(stream, key.partition_key, event, options);
    puts.push_back({name, event, key.partition_key, key.explicit_hash_key, std::move(f)});
  };

  // The application names the key: all of one order's events stay in order.
  auto given = kp::partition_key_strategy::given();
  route("given", given, "order-1001", R"({"order":1001,"step":"paid"})");
  route("given", given, "order-1001", R"({"order":1001,"step":"shipped"})");

  // A high-cardinality field of the event: spreads well, per-device order.
  auto by_device = kp::partition_key_strategy::json_field("device_id");
  for (char const* d : {"th-01", "th-02", "th-03", "th-04"})
    route("json_field", by_device, "", std::string(R"({"device_id":")") + d + R"(","temp":21.5})");
  route("json_field", by_device, "", R"({"temp":19})");  // no field: an error, not a guess

  // A low-cardinality key (3 tenants) would pin each tenant to one shard:
  // a fixed fan-out of 4 suffixes, chosen by user id, spreads a tenant over
  // up to 4 shards while each user's events keep their order.
  auto by_tenant = kp::partition_key_strategy::fan_out("tenant", 4, "user");
  for (char const* u : {"u1", "u2", "u3", "u4", "u1"})
    route("fan_out", by_tenant, "", std::string(R"({"tenant":"acme","user":")") + u + R"("})");

  // A hot key with no ordering needs: a random suffix spreads it widest.
  auto spread = kp::partition_key_strategy::random_suffix(8);
  for (int i = 0; i < 4; ++i) route("random_suffix", spread, "clicks", R"({"page":"/home"})");

  // The application places records itself: the decimal 128-bit hash key
  // picks the shard whose range holds it (0 = first shard, 2^128-1 = last).
  auto placed = kp::partition_key_strategy::explicit_hash_key();
  route("explicit_hash_key", placed, "0", R"({"lane":"first"})");
  route("explicit_hash_key", placed, "170141183460469231731687303715884105728", R"({"lane":"middle"})");
  route("explicit_hash_key", placed, "340282366920938463463374607431768211455", R"({"lane":"last"})");

  p.flush();  // send now rather than after RecordMaxBufferedTime
  int failed = 0;
  for (auto& r : puts) {
    kp::put_outcome o = r.outcome.get();
    std::string const key = r.explicit_hash_key.empty() ? r.partition_key : "hash " + r.explicit_hash_key;
    if (o)
      std::printf("%-18s %-44s key %-45s -> %s\n", r.strategy.c_str(), r.event.c_str(), key.c_str(),
                  o->shard_id.str().c_str());
    else {
      std::printf("%-18s %-44s failed: %s\n", r.strategy.c_str(), r.event.c_str(), o.error().message.c_str());
      ++failed;
    }
  }
  p.close();
  return failed == 0 ? 0 : 1;
}
