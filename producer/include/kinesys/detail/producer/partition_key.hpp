#pragma once
// Partition-key strategies. The partition key decides the shard (MD5 of the
// key → hash key → shard range) and, through that, which records keep their
// relative order. docs/producer.md weighs them:
//
//  given()            the key the application passes to put; it decides.
//  json_field(f)      a high-cardinality field of a JSON event ("device_id"):
//                     spreads well, keeps each device's events in order.
//  fan_out(f, n, g)   a low-cardinality key (f, e.g. "tenant") plus a suffix
//                     in [0, n) taken from the hash of field g (or round
//                     robin without g): n sub-streams per key, order kept
//                     within each sub-stream, not across them.
//  random_suffix(n)   the given key plus a random suffix in [0, n): best
//                     spread for a hot key, no ordering at all.
//  explicit_hash_key(f) the given key (or field f) is a decimal 128-bit hash
//                     key sent as ExplicitHashKey: the caller places records
//                     on shards itself (e.g. one per tenant range).
#include <kinesys/detail/producer/error.hpp>

#include <boost/system/result.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kinesys::producer {

/// A record's routing: its partition key and, when the strategy places it
/// explicitly, the decimal ExplicitHashKey (empty otherwise). Both are
/// written into caller-owned strings so a reused record_key costs no
/// allocation per record.
struct record_key {
  std::string partition_key;
  std::string explicit_hash_key;
};

/// Checks a partition key against the Kinesis rule: 1..256 Unicode
/// characters of valid UTF-8. @locality any thread
boost::system::result<void, put_error> validate_partition_key(std::string_view key);
/// Checks an ExplicitHashKey: a decimal integer in [0, 2^128-1].
boost::system::result<void, put_error> validate_explicit_hash_key(std::string_view key);

class partition_key_strategy {
public:
  enum class kind { given, json_field, fan_out, random_suffix, explicit_hash_key };

  /// The key passed to put is the partition key.
  static partition_key_strategy given();
  /// The value of top-level field `field` of the JSON event (a string, or a
  /// number's text).
  static partition_key_strategy json_field(std::string field);
  /// Key = base + "-" + suffix, suffix in [0, fan_out). The base is field
  /// `base_field` of the event, or the given key when `base_field` is empty;
  /// the suffix is hash(field `by_field`) mod fan_out, or round robin when
  /// `by_field` is empty.
  static partition_key_strategy fan_out(std::string base_field, std::uint32_t fan_out, std::string by_field = {});
  /// Key = given + "-" + random in [0, spread).
  static partition_key_strategy random_suffix(std::uint32_t spread);
  /// The given key (or field `field` of the event) is a decimal hash key; it
  /// becomes the ExplicitHashKey and also the partition key.
  static partition_key_strategy explicit_hash_key(std::string field = {});

  kind strategy() const noexcept { return kind_; }
  /// Whether records that share a given key/field keep their order.
  bool preserves_order() const noexcept { return kind_ != kind::random_suffix; }

  /// Computes the routing of one record into `out`. `given_key` is what the
  /// application passed (may be empty for field strategies); `event` is the
  /// record's data. Errors name the field or the rule broken.
  /// @locality any thread (round robin and random use atomics / per-thread state)
  boost::system::result<void, put_error> apply(std::string_view given_key, std::string_view event,
                                               record_key& out) const;

private:
  partition_key_strategy(kind k) : kind_(k) {}

  kind kind_;
  std::string field_;
  std::string by_field_;
  std::uint32_t fan_out_ = 1;
  std::shared_ptr<std::atomic<std::uint64_t>> round_robin_;
};

}  // namespace kinesys::producer
