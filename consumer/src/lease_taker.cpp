#include <kinesys/detail/consumer/lease_taker.hpp>

#include <algorithm>

namespace kinesys::consumer {

bool parents_done(lease const& l, std::map<std::string, lease const*, std::less<>> const& by_key)
{
  for (auto const& p : l.parents) {
    auto found = by_key.find(p);
    if (found != by_key.end() && !found->second->finished()) return false;
  }
  return true;
}

lease_taker::lease_taker(std::string worker_id, lease_taker_options options)
    : worker_id_(std::move(worker_id)), options_(options)
{
}

bool lease_taker::expired(std::string const& key, clock::time_point now) const
{
  auto found = seen_.find(key);
  if (found == seen_.end()) return false;
  return found->second.owner.empty() || now - found->second.since > options_.lease_duration;
}

lease_taker::plan lease_taker::on_scan(std::vector<lease> const& all, std::set<std::string, std::less<>> const& held,
                                       clock::time_point now)
{
  std::map<std::string, lease const*, std::less<>> by_key;
  for (auto const& l : all) by_key.emplace(l.key, &l);

  // Track counter movement; forget leases that disappeared.
  std::map<std::string, observed, std::less<>> next;
  for (auto const& l : all) {
    auto found = seen_.find(l.key);
    if (found != seen_.end() && found->second.counter == l.counter && found->second.owner == l.owner)
      next.emplace(l.key, found->second);
    else
      next.emplace(l.key, observed{l.counter, l.owner, now});
  }
  seen_ = std::move(next);

  plan p;
  std::vector<lease const*> available_expired;
  std::map<std::string, std::vector<lease const*>, std::less<>> by_owner;
  std::size_t available = 0;
  for (auto const& l : all) {
    if (l.finished() || !parents_done(l, by_key)) continue;
    ++available;
    if (held.contains(l.key)) {
      by_owner[worker_id_].push_back(&l);
      continue;
    }
    bool mine_from_before = l.owner == worker_id_;
    if (l.owner.empty() || mine_from_before || expired(l.key, now))
      available_expired.push_back(&l);
    else
      by_owner[l.owner].push_back(&l);
  }
  by_owner[worker_id_];  // this worker counts even while it holds nothing
  p.workers = by_owner.size();
  p.target = (available + p.workers - 1) / p.workers;
  if (options_.max_leases_per_worker > 0) p.target = std::min(p.target, options_.max_leases_per_worker);

  auto mine = by_owner[worker_id_].size();
  if (mine >= p.target) return p;
  auto needed = p.target - mine;

  // Expired leases first, oldest shard ids first (parents before children,
  // which lexical order of KCL-style shard ids approximates).
  std::sort(available_expired.begin(), available_expired.end(),
            [](lease const* a, lease const* b) { return a->key < b->key; });
  for (auto const* l : available_expired) {
    if (needed == 0) break;
    p.take.push_back(*l);
    --needed;
  }
  if (needed == 0 || !available_expired.empty() || options_.max_steal_per_cycle == 0) return p;

  // Steal only when the most loaded worker is above target, or at target
  // while we are two or more below: otherwise the steal just moves the
  // imbalance and the two workers trade the lease back and forth.
  std::string victim;
  std::size_t most = 0;
  for (auto const& [owner, leases] : by_owner)
    if (owner != worker_id_ && (leases.size() > most || (leases.size() == most && owner < victim))) {
      most = leases.size();
      victim = owner;
    }
  if (victim.empty()) return p;
  bool over = most > p.target || (most == p.target && mine + 1 < p.target);
  if (!over) return p;
  auto steals = std::min({needed, options_.max_steal_per_cycle, most > p.target ? most - p.target : std::size_t{1}});
  auto& victims = by_owner[victim];
  std::sort(victims.begin(), victims.end(), [](lease const* a, lease const* b) { return a->key < b->key; });
  for (std::size_t i = 0; i < steals; ++i) p.steal.push_back(*victims[victims.size() - 1 - i]);
  return p;
}

}  // namespace kinesys::consumer
