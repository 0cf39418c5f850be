#pragma once
// Leases in a DynamoDB table with KCL 2.x's schema, so a lease table can be
// inspected with the same tools (and the attribute names mean what KCL users
// expect): leaseKey (the shard id, hash key), leaseOwner, leaseCounter,
// checkpoint + checkpointSubSequenceNumber, ownerSwitchesSinceCheckpoint,
// parentShardId, childShardIds, startingHashKey/endingHashKey. One extra
// attribute, kinesysHighWater, records how far the owner may have written
// without conditions (see docs/consumer.md, "where BatchWriteItem is safe").
//
// Every change is conditional on the leaseCounter the worker last saw and
// increments it: the counter is a fencing token, so a worker that lost its
// lease (to expiry or a steal) can neither renew nor checkpoint it.
#include <kinesys/detail/consumer/error.hpp>
#include <kinesys/detail/consumer/position.hpp>

#include <kinesys/detail/codecs/attribute_value.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

namespace lease_attribute {
inline constexpr std::string_view key = "leaseKey";
inline constexpr std::string_view owner = "leaseOwner";
inline constexpr std::string_view counter = "leaseCounter";
inline constexpr std::string_view checkpoint = "checkpoint";
inline constexpr std::string_view checkpoint_sub = "checkpointSubSequenceNumber";
inline constexpr std::string_view owner_switches = "ownerSwitchesSinceCheckpoint";
inline constexpr std::string_view parents = "parentShardId";  // KCL's name: singular, a string set
inline constexpr std::string_view children = "childShardIds";
inline constexpr std::string_view starting_hash_key = "startingHashKey";
inline constexpr std::string_view ending_hash_key = "endingHashKey";
inline constexpr std::string_view high_water = "kinesysHighWater";
}  // namespace lease_attribute

/// KCL's sentinel checkpoints, stored in `checkpoint` instead of a sequence.
namespace sentinel {
inline constexpr std::string_view trim_horizon = "TRIM_HORIZON";
inline constexpr std::string_view latest = "LATEST";
inline constexpr std::string_view at_timestamp = "AT_TIMESTAMP";
inline constexpr std::string_view shard_end = "SHARD_END";
}  // namespace sentinel

struct lease {
  std::string key;    ///< shard id
  std::string owner;  ///< empty: nobody holds it
  std::int64_t counter = 0;
  std::string checkpoint;  ///< a sequence number or a sentinel
  std::uint64_t checkpoint_sub = 0;
  std::int64_t owner_switches = 0;
  std::vector<std::string> parents;
  std::vector<std::string> children;
  std::string starting_hash_key, ending_hash_key;
  /// Encoded stream_position; empty: nothing written beyond the checkpoint
  /// without conditions.
  std::string high_water;

  bool finished() const noexcept { return checkpoint == sentinel::shard_end; }
  /// The checkpoint as a position, if it is a sequence number.
  std::optional<stream_position> checkpoint_position() const;

  friend bool operator==(lease const&, lease const&) = default;
};

/// One conditional change to a lease, applied only if the stored lease still
/// has the counter (and, unless taking, the owner) the worker last saw.
/// Every change increments the counter.
struct lease_change {
  /// Take the lease for this owner (set) — the condition is on the counter
  /// only, since the previous owner is whoever it was.
  std::optional<std::string> take_for;
  /// Give the lease up (leaseOwner removed), as on a clean shutdown.
  bool release = false;
  std::optional<std::string> checkpoint;
  std::uint64_t checkpoint_sub = 0;
  std::optional<std::string> high_water;
  std::optional<std::vector<std::string>> children;
};

/// What a change makes of `l` (counter incremented, owner switched...).
/// The store applies this after its condition held.
lease apply_change(lease l, lease_change const& change);

/// The lease as a lease-table item, and back. A missing leaseCounter reads
/// as 0, a missing owner as unowned; a missing leaseKey or an attribute of
/// the wrong type is an error naming the attribute.
codecs::item to_item(lease const& l);
boost::system::result<lease> lease_from_item(codecs::item const& it, std::string* problem = nullptr);

/// A conditional DynamoDB write, independent of the client that sends it.
struct dynamo_write {
  enum class verb { put_item, update_item, delete_item };
  verb op = verb::update_item;
  std::string table;
  codecs::item key;   ///< update_item, delete_item
  codecs::item item;  ///< put_item
  std::string update_expression;
  std::string condition_expression;
  std::vector<std::pair<std::string, std::string>> names;  ///< "#n" -> attribute name
  codecs::item values;                                     ///< ":v" -> value
};

/// PutItem of a new lease, if no lease has its key yet.
dynamo_write render_create(std::string const& table, lease const& l);
/// UpdateItem for `change` against the lease last seen as `seen`.
dynamo_write render_change(std::string const& table, lease const& seen, lease_change const& change);

}  // namespace kinesys::consumer
