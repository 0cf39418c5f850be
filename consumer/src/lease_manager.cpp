#include <kinesys/detail/consumer/lease_manager.hpp>

#include "async_event.hpp"
#include "log.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include <algorithm>
#include <set>

namespace kinesys::consumer {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

struct lease_manager::events {
  explicit events(asio::any_io_executor ex) : wake(ex) {}
  detail::async_event wake;  // sync requested or stopping
};

struct lease_manager::held_lease {
  held_lease(asio::any_io_executor ex) : work(ex), done(ex) {}
  lease seen;
  std::shared_ptr<lease_handle> handle = std::make_shared<lease_handle>();
  lease_change pending;
  bool has_pending = false;
  std::uint64_t requested = 0, completed = 0;
  boost::system::error_code result;
  bool lost = false;
  bool released = false;
  clock::time_point last_success = clock::now();
  detail::async_event work;  // the maintainer waits here for requests
  detail::async_event done;  // requesters wait here for completion
};

lease_manager::lease_manager(asio::any_io_executor ex, dynamo_client& dynamo, engine::aws::kinesis_client& kinesis,
                             consumer_config const& config, std::string worker_id, metrics_registry& metrics,
                             acquired_fn on_acquired, lost_fn on_lost)
    : ex_(ex),
      dynamo_(dynamo),
      kinesis_(kinesis),
      config_(config),
      worker_id_(std::move(worker_id)),
      metrics_(metrics),
      on_acquired_(std::move(on_acquired)),
      on_lost_(std::move(on_lost)),
      taker_(worker_id_, lease_taker_options{config.lease.duration, config.lease.max_leases_per_worker,
                                             config.lease.max_steal_per_cycle}),
      events_(std::make_unique<events>(ex))
{
}

lease_manager::~lease_manager() = default;

std::vector<lease> lease_manager::leases_to_create(std::vector<engine::aws::shard> const& shards,
                                                   std::vector<lease> const& existing, consumer_config const& config,
                                                   bool initial)
{
  std::set<std::string, std::less<>> have;
  for (auto const& l : existing) have.insert(l.key);
  std::map<std::string, engine::aws::shard const*, std::less<>> by_id;
  for (auto const& s : shards) by_id.emplace(s.shard_id, &s);

  std::vector<lease> out;
  std::set<std::string, std::less<>> planned;
  // Depth-first so that a parent's lease is created before its children's:
  // a worker seeing the child must also see the parent and wait for it.
  std::function<void(engine::aws::shard const&)> visit = [&](engine::aws::shard const& s) {
    if (have.contains(s.shard_id) || planned.contains(s.shard_id)) return;
    std::vector<std::string> parents;
    for (auto const* p : {&s.parent_shard_id, &s.adjacent_parent_shard_id})
      if (!p->empty()) parents.push_back(*p);
    bool parent_leased = false;
    for (auto const& p : parents) {
      if (auto f = by_id.find(p); f != by_id.end()) visit(*f->second);
      if (have.contains(p) || planned.contains(p)) parent_leased = true;
    }
    std::string start;
    if (initial) {
      // LATEST starts at the open shards; the closed ones hold only the past.
      if (config.start == start_position::latest && !s.open()) return;
      start = std::string(config.start == start_position::latest       ? sentinel::latest
                          : config.start == start_position::at_timestamp ? sentinel::at_timestamp
                                                                         : sentinel::trim_horizon);
    } else {
      // A shard born after we started (a split or merge) is read from its
      // beginning. A closed shard nobody leased predates us: skip it.
      if (!s.open() && !parent_leased) return;
      start = std::string(sentinel::trim_horizon);
    }
    lease l;
    l.key = s.shard_id;
    l.checkpoint = std::move(start);
    l.parents = std::move(parents);
    l.starting_hash_key = codecs::to_decimal(s.hash_key_range.starting);
    l.ending_hash_key = codecs::to_decimal(s.hash_key_range.ending);
    planned.insert(l.key);
    out.push_back(std::move(l));
  };
  for (auto const& s : shards) visit(s);
  return out;
}

asio::awaitable<engine::aws::aws_result<void>> lease_manager::start()
{
  if (config_.lease.create_table) {
    // Built outside co_await: GCC 12 destroys braced temporaries there twice.
    key_schema schema{std::string(lease_attribute::key), "S", {}, "S"};
    auto r = co_await dynamo_.ensure_table(config_.lease_table(), schema);
    if (!r) co_return r.error();
  }
  co_await sync_shards();
  co_return engine::aws::aws_result<void>{};
}

asio::awaitable<void> lease_manager::run()
{
  asio::co_spawn(ex_, sync_loop(), asio::detached);
  co_await take_loop();
}

void lease_manager::stop()
{
  stopping_ = true;
  events_->wake.notify();
}

void lease_manager::abandon()
{
  stop();
  abandoned_ = true;
  for (auto& [k, h] : held_) {
    h->work.notify();
    h->done.notify();
  }
}

void lease_manager::request_sync()
{
  sync_requested_ = true;
  events_->wake.notify();
}

asio::awaitable<void> lease_manager::sync_loop()
{
  while (!stopping_) {
    auto next = clock::now() + config_.lease.shard_sync_interval;
    while (!stopping_ && !sync_requested_ && clock::now() < next) co_await events_->wake.wait_until(next);
    if (stopping_) break;
    sync_requested_ = false;
    co_await sync_shards();
  }
}

asio::awaitable<void> lease_manager::sync_shards()
{
  engine::aws::stream_ref stream{config_.stream, {}};
  auto shards = co_await kinesis_.list_all_shards(stream);
  if (!shards) {
    log_warn("ListShards failed: ", shards.error().describe());
    co_return;
  }
  auto items = co_await dynamo_.scan(config_.lease_table());
  if (!items) {
    log_warn("lease table scan failed: ", items.error().describe());
    co_return;
  }
  std::vector<lease> existing;
  for (auto const& it : *items)
    if (auto l = lease_from_item(it)) existing.push_back(std::move(*l));
  auto create = leases_to_create(*shards, existing, config_, existing.empty());
  for (auto const& l : create) {
    auto r = co_await dynamo_.write(render_create(config_.lease_table(), l));
    if (!r && !r.error().is(conditional_check_failed)) {
      log_warn("creating lease ", l.key, " failed: ", r.error().describe());
      co_return;  // parents first: stop rather than create a child without its parent
    }
  }
  if (!create.empty()) events_->wake.notify();  // let the taker see them now
}

asio::awaitable<void> lease_manager::take_loop()
{
  while (!stopping_) {
    co_await take_once();
    auto next = clock::now() + config_.take_interval();
    while (!stopping_ && clock::now() < next) co_await events_->wake.wait_until(next);
  }
}

asio::awaitable<void> lease_manager::take_once()
{
  auto items = co_await dynamo_.scan(config_.lease_table());
  if (!items || stopping_) {
    if (!items) log_warn("lease table scan failed: ", items.error().describe());
    co_return;
  }
  std::vector<lease> all;
  for (auto const& it : *items) {
    std::string problem;
    if (auto l = lease_from_item(it, &problem))
      all.push_back(std::move(*l));
    else
      log_warn("ignoring malformed lease: ", problem);
  }
  std::set<std::string, std::less<>> held;
  for (auto const& [k, h] : held_)
    if (!h->lost && !h->released) held.insert(k);
  auto plan = taker_.on_scan(all, held, clock::now());
  auto acquire = [&](lease const& l, bool steal) -> asio::awaitable<void> {
    if (stopping_) co_return;
    lease_change change;
    change.take_for = worker_id_;
    auto r = co_await dynamo_.write(render_change(config_.lease_table(), l, change));
    if (!r) {
      if (!r.error().is(conditional_check_failed)) log_warn("taking lease ", l.key, " failed: ", r.error().describe());
      co_return;  // someone else was faster, or the lease moved: next cycle
    }
    auto h = std::make_shared<held_lease>(ex_);
    h->seen = apply_change(l, change);
    h->last_success = clock::now();
    h->handle->safe_until_ns.store((h->last_success + config_.lease.duration / 2).time_since_epoch().count());
    held_[l.key] = h;
    (steal ? metrics_.lease_steals : metrics_.lease_takes).add();
    metrics_.leases_held.set(static_cast<std::int64_t>(held_.size()));
    log_info(steal ? "stole lease " : "took lease ", l.key, " (counter ", h->seen.counter, ", previous owner \"",
             l.owner, "\")");
    asio::co_spawn(ex_, maintain(h), asio::detached);
    on_acquired_(acquired_lease{h->seen, l.owner, h->handle});
  };
  for (auto const& l : plan.take) co_await acquire(l, false);
  for (auto const& l : plan.steal) co_await acquire(l, true);
}

void lease_manager::mark_lost(held_lease& h)
{
  if (h.lost) return;
  h.lost = true;
  h.handle->lost.store(true, std::memory_order_release);
  metrics_.lease_losses.add();
  log_warn("lost lease ", h.seen.key);
  on_lost_(h.seen.key);
}

asio::awaitable<void> lease_manager::maintain(std::shared_ptr<held_lease> h)
{
  auto const renew_every = config_.renew_interval();
  auto const duration = config_.lease.duration;
  unsigned failures = 0;
  while (!h->lost && !h->released && !abandoned_) {
    auto renew_at = h->last_success + renew_every;
    while (!abandoned_ && !h->has_pending && clock::now() < renew_at) co_await h->work.wait_until(renew_at);
    if (abandoned_) break;

    lease_change change = h->has_pending ? h->pending : lease_change{};
    auto gen = h->requested;
    h->pending = {};
    h->has_pending = false;
    auto sent_at = clock::now();
    auto r = co_await dynamo_.write(render_change(config_.lease_table(), h->seen, change));
    if (r) {
      failures = 0;
      h->seen = apply_change(h->seen, change);
      h->last_success = sent_at;
      // Measured from when the request left: the lease is ours at least a
      // duration after the other workers saw this counter, which is later.
      h->handle->safe_until_ns.store((sent_at + duration / 2).time_since_epoch().count(), std::memory_order_release);
      if (change.release) h->released = true;
      h->completed = gen;
      h->result = {};
      h->done.notify();
      continue;
    }
    if (r.error().is(conditional_check_failed)) {
      mark_lost(*h);
      h->completed = h->requested;
      h->result = make_error_code(errc::lease_lost);
      h->done.notify();
      break;
    }
    // Throttled or unreachable: keep the change and try again soon. Past a
    // whole duration without success others may take the lease, so stop
    // writing as if lost (the table will show who has it).
    ++failures;
    log_warn("lease update for ", h->seen.key, " failed: ", r.error().describe());
    if (clock::now() - h->last_success > duration) {
      mark_lost(*h);
      h->completed = h->requested;
      h->result = make_error_code(errc::lease_lost);
      h->done.notify();
      break;
    }
    // Put the change back, merged under anything requested meanwhile.
    if (h->has_pending) {
      auto newer = h->pending;
      h->pending = change;
      if (newer.checkpoint) h->pending.checkpoint = newer.checkpoint, h->pending.checkpoint_sub = newer.checkpoint_sub;
      if (newer.high_water) h->pending.high_water = newer.high_water;
      if (newer.children) h->pending.children = newer.children;
      h->pending.release = h->pending.release || newer.release;
    } else {
      h->pending = change;
    }
    h->has_pending = true;
    auto backoff = std::min<std::chrono::milliseconds>(renew_every / 4, std::chrono::milliseconds(100) * (1 << std::min(failures, 5u)));
    co_await h->work.wait_until(clock::now() + backoff);
  }
  if (abandoned_ && h->completed < h->requested) {
    h->completed = h->requested;
    h->result = make_error_code(errc::shutting_down);
    h->done.notify();
  }
  if (held_.contains(h->seen.key) && held_[h->seen.key] == h) held_.erase(h->seen.key);
  metrics_.leases_held.set(static_cast<std::int64_t>(held_.size()));
}

asio::awaitable<boost::system::error_code> lease_manager::submit(std::string const& key, lease_change change)
{
  auto found = held_.find(key);
  if (found == held_.end()) co_return make_error_code(errc::lease_not_held);
  auto h = found->second;
  if (h->lost) co_return make_error_code(errc::lease_lost);
  if (h->released) co_return make_error_code(errc::lease_not_held);
  // Merge into what is waiting: the newest checkpoint and mark win.
  auto& p = h->pending;
  if (change.checkpoint) p.checkpoint = change.checkpoint, p.checkpoint_sub = change.checkpoint_sub;
  if (change.high_water) p.high_water = change.high_water;
  if (change.children) p.children = change.children;
  p.release = p.release || change.release;
  h->has_pending = true;
  auto gen = ++h->requested;
  h->work.notify();
  while (h->completed < gen) co_await h->done.wait();
  co_return h->result;
}

asio::awaitable<boost::system::error_code> lease_manager::checkpoint(std::string key, std::string value,
                                                                     std::uint64_t sub,
                                                                     std::optional<std::vector<std::string>> children)
{
  lease_change c;
  c.checkpoint = std::move(value);
  c.checkpoint_sub = sub;
  c.children = std::move(children);
  auto ec = co_await submit(key, std::move(c));
  if (!ec) metrics_.checkpoints.add();
  co_return ec;
}

asio::awaitable<boost::system::error_code> lease_manager::reserve(std::string key, std::string high_water)
{
  lease_change c;
  c.high_water = std::move(high_water);
  co_return co_await submit(key, std::move(c));
}

asio::awaitable<boost::system::error_code> lease_manager::release(std::string key, std::optional<std::string> checkpoint,
                                                                  std::uint64_t sub)
{
  lease_change c;
  c.release = true;
  if (checkpoint) c.checkpoint = std::move(checkpoint), c.checkpoint_sub = sub;
  co_return co_await submit(key, std::move(c));
}

}  // namespace kinesys::consumer
