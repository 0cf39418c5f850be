#pragma once
// Which Kinesis records wait for which. A Kinesis record that holds later
// records of a key than an unanswered one on its shard does is not sent
// before that one is answered (see ordering_tracker): it follows it.
//
// A Kinesis record follows at most one other. Then when one comes back
// misplaced, the records that must be routed again behind its own are
// exactly those of its followers, transitively: every earlier record of
// their keys that is still unanswered is in one of them, or in it. (With
// two, a follower taken apart with the first would leave the keys it shares
// with the second unguarded.) A record that would make an aggregate follow
// a second one waits in the ordering tracker instead.
//
// Edges name a follower by its slot and by the count of Kinesis records
// opened when it was opened, so an edge to a slot that was freed, or freed
// and opened again for another Kinesis record, matches nothing.
#include "records.hpp"

#include <cstdint>
#include <vector>

namespace kinesys::producer::detail {

/// @locality owning core
class krec_chain {
public:
  explicit krec_chain(slot_pool<kinesis_rec>& krecs) : krecs_(krecs) {}

  /// Slot `k` now holds a new Kinesis record: it follows nothing yet.
  void opened(std::uint32_t k);
  /// Slot `k` is given back: edges naming it match nothing from now on.
  void freed(std::uint32_t k);

  /// Whether `later` (an open Kinesis record) may follow `earlier`: it
  /// follows nothing unanswered yet, or `earlier` already.
  bool can_follow(std::uint32_t earlier, std::uint32_t later);
  /// `later` is not sent before `earlier` is answered. Requires
  /// can_follow(earlier, later).
  void follow(std::uint32_t earlier, std::uint32_t later);
  /// `k` was answered (or finally failed): its followers wait for one
  /// Kinesis record fewer.
  void answered(std::uint32_t k);
  /// `k` and, transitively, every Kinesis record following it: `k` first,
  /// the rest in the order they were opened. None of the rest has been
  /// sent, since each waits for `k`.
  void with_followers(std::uint32_t k, std::vector<std::uint32_t>& out);

private:
  slot_pool<kinesis_rec>& krecs_;
  std::uint64_t opened_ = 0;  ///< Kinesis records opened so far
};

}  // namespace kinesys::producer::detail
