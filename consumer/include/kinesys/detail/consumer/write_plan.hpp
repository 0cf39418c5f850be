#pragma once
// How records become DynamoDB writes, and why those writes are idempotent.
//
// Every item carries the stream position of the last record applied to it
// (write.position_attribute, an encoded stream_position whose byte order is
// the numeric order). A key's records reach the writer in stream order (the
// key scheduler), so:
//
//  put   The group's last record replaces the item if the item is older:
//        `attribute_not_exists(#pos) OR #pos < :pos`. A refusal means the
//        item already holds this or a newer state: the records are finished.
//
//  merge One UpdateItem applies the whole group: SET the fields (last value
//        wins), ADD the counters (summed exactly), SET #pos to the group's
//        last position — on the condition that the item has seen *none* of
//        the group: `attribute_not_exists(#pos) OR #pos < :first`. A replay
//        after a crash may cut groups differently; a group that straddles
//        the stored position is refused, the item is read, the records it
//        already reflects are dropped, and the rest is re-merged and written
//        with `#pos = :stored` (compare-and-set). So each record's ADD lands
//        exactly once whatever the grouping.
//
// merge keeps these marks per shard (write_attributes::for_shard): every
// record must be applied once, and records of one key may come from several
// shards (an aggregate holds many partition keys; a payload field need not
// follow the partition key), whose positions do not order each other. put
// keeps one position per item: "latest state" means the highest position.
//
// Producer retries duplicate a user record at a *new* position; the
// producer's stamp (producer id, sequence per partition key) identifies it.
// The in-memory dedup window drops most; for one that crosses a restart,
// merge mode also stores the last applied stamp and refuses a group whose
// first record repeats it — its own shard's, or after a split or merge a
// parent's (the producer re-routes a retry to the child that now owns the
// key, and holds the key's later records back until it lands, so the copy
// is the key's first record in the child).
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/lease.hpp>
#include <kinesys/detail/consumer/position.hpp>

#include <kinesys/detail/codecs/attribute_value.hpp>

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

/// A producer's idempotency stamp.
struct producer_stamp {
  std::string_view producer_id;
  std::uint64_t sequence = 0;
};

/// Parses a stamp tag value "<producer id>:<sequence>" (the last ':'
/// separates; the id may contain ':'). nullopt if malformed.
std::optional<producer_stamp> parse_stamp(std::string_view text);

/// The stored identity of a stamp: "<id length>:<producer id><partition key>",
/// exact (no separator that a key could contain).
std::string stamp_identity(std::string_view producer_id, std::string_view partition_key);

/// Names of the bookkeeping attributes.
struct write_attributes {
  std::string position = "_kinesys_pos";
  std::string stamp = "_kinesys_src";
  std::string stamp_sequence = "_kinesys_src_seq";
  static write_attributes from(consumer_config const& c)
  {
    return {c.write.position_attribute, c.write.stamp_attribute, c.write.stamp_sequence_attribute, {}};
  }
  /// merge: the stamp marks of the shard's parents (after a split or merge),
  /// which a retry re-routed into this shard must not repeat either.
  struct stamp_names {
    std::string stamp, stamp_sequence;
  };
  std::vector<stamp_names> parent_stamps;

  /// merge mode keeps its marks per shard: "<name>:<shard id>".
  write_attributes for_shard(std::string_view shard_id, std::span<std::string const> parents = {}) const
  {
    // append(), not operator+: GCC 12 at -O3 warns (-Wrestrict) about a
    // literal + std::string that is fine.
    auto with = [](std::string const& base, std::string_view shard) {
      std::string name;
      name.reserve(base.size() + 1 + shard.size());
      name.append(base).append(1, ':').append(shard);
      return name;
    };
    write_attributes out{with(position, shard_id), with(stamp, shard_id), with(stamp_sequence, shard_id), {}};
    for (auto const& parent : parents) out.parent_stamps.push_back({with(stamp, parent), with(stamp_sequence, parent)});
    return out;
  }
};

/// One record as the planner sees it.
struct planned_record {
  stream_position position;
  codecs::item const* item = nullptr;  ///< the payload mapped to attributes
  std::string_view partition_key;
  std::optional<producer_stamp> stamp;
};

/// The key attributes of `item` under `table`'s key schema.
codecs::item key_of(table_config const& table, codecs::item const& item);

/// Adds what a put writes beside the payload (the position, and the stamp
/// when the record has one) to `item`; `last.item` is not read.
void add_put_marks(codecs::item& item, write_attributes const& attrs, planned_record const& last);

/// put: the item as written (payload + position [+ stamp]); conditional adds
/// the newer-position guard, unconditional is for BatchWriteItem.
dynamo_write plan_put(table_config const& table, write_attributes const& attrs, planned_record const& last,
                      bool conditional);

/// What an item already reflects, as read after a refused merge.
struct stored_marks {
  struct stamp_mark {
    std::string identity;
    std::uint64_t sequence = 0;
  };
  bool exists = false;
  std::optional<std::string> position;  ///< encoded
  std::optional<std::string> stamp;
  std::optional<std::uint64_t> stamp_sequence;
  std::vector<stamp_mark> parent_stamps;  ///< the parents' last applied stamps
};

/// Reads the marks from an item (GetItem's answer); absent item: exists=false.
stored_marks marks_of(write_attributes const& attrs, codecs::item const* item);

/// The guard of a merged update: the first attempt requires the item to
/// predate the whole group; after a refusal, `exact` compare-and-sets on the
/// marks just read.
struct merge_guard {
  enum class kind {
    newer_than_first,
    exact,
    none,  ///< write.idempotent = false: no condition
  } type = kind::newer_than_first;
  stored_marks expected;  ///< for exact
};

/// merge: one UpdateItem for the group (records of one key, in order).
/// Fails with errc::bad_counter_field if a counter is not a number or the
/// exact sum exceeds 38 digits (the caller then writes records one by one).
boost::system::result<dynamo_write> plan_merge(table_config const& table, write_attributes const& attrs,
                                               std::span<planned_record const> group, merge_guard const& guard);

/// Indexes of the records in `group` that `marks` does not yet reflect:
/// positions above the stored one, minus a repeat of the stored stamp.
std::vector<std::size_t> not_yet_applied(std::span<planned_record const> group, stored_marks const& marks);

/// A DynamoDB write unit estimate (1 WCU per started KiB of item) for pacing
/// in WCU. Approximates the item's size by its attribute names and values.
std::size_t estimate_wcu(codecs::item const& item) noexcept;

}  // namespace kinesys::consumer
