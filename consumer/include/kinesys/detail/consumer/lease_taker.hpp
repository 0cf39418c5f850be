#pragma once
// Which leases a worker should take, decided from a scan of the lease table
// the way KCL's lease taker does it, without trusting anyone's clock: a
// lease is expired when its counter has not moved for a whole lease
// duration *as measured here* (the owner bumps the counter on every renewal,
// so an unchanged counter means nobody renews it). Clock skew between
// workers therefore cannot expire a live lease.
//
// Balance: with W live workers and L available leases each aims at
// ceil(L / W). A worker below target takes expired leases first and only
// then steals from the most loaded worker, one lease per cycle, never
// creating the imbalance it is trying to remove.
#include <kinesys/detail/consumer/lease.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kinesys::consumer {

struct lease_taker_options {
  std::chrono::milliseconds lease_duration{10000};
  std::size_t max_leases_per_worker = 0;  ///< 0 = unlimited
  std::size_t max_steal_per_cycle = 1;
};

/// A lease is available (counts toward balance, may be taken) if it is not
/// finished and each parent either has no lease or its lease reached
/// SHARD_END: children start only after their parents were read to the end
/// and checkpointed, which keeps per-key order across a split or merge.
bool parents_done(lease const& l, std::map<std::string, lease const*, std::less<>> const& by_key);

/// @locality owning core (of the lease coordinator)
class lease_taker {
public:
  using clock = std::chrono::steady_clock;

  lease_taker(std::string worker_id, lease_taker_options options);

  struct plan {
    std::vector<lease> take;   ///< expired or unowned: take them (as seen in the scan)
    std::vector<lease> steal;  ///< held by a live, overloaded worker
    std::size_t target = 0;    ///< leases this worker aims to hold
    std::size_t workers = 0;   ///< live workers seen, this one included
  };

  /// Feeds a complete scan taken at `now`. `held` are the leases this worker
  /// holds right now (they are never in the plan). Leases with this worker's
  /// id that it does not hold belong to a previous run of this worker (ids
  /// are unique per process) and count as expired at once, so a restarted
  /// worker picks up where it left off without waiting a lease duration.
  plan on_scan(std::vector<lease> const& all, std::set<std::string, std::less<>> const& held, clock::time_point now);

  /// Whether `key` was expired in the last scan (for tests and metrics).
  bool expired(std::string const& key, clock::time_point now) const;

private:
  struct observed {
    std::int64_t counter = 0;
    std::string owner;
    clock::time_point since;
  };

  std::string worker_id_;
  lease_taker_options options_;
  std::map<std::string, observed, std::less<>> seen_;
};

}  // namespace kinesys::consumer
