// Executing one write batch of a shard: pacing, BatchWriteItem where no
// condition is needed, conditional puts and merged updates elsewhere,
// retries with backoff and jitter per batch (other batches keep going),
// bisection of rejected batches, and dead letters for what cannot be written.
#include "shard_worker.hpp"

#include "log.hpp"

#include <kinesys/detail/engine/deadline.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace kinesys::consumer::detail {

namespace asio = boost::asio;
namespace aws = engine::aws;
using clock = std::chrono::steady_clock;

namespace {

constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

std::int64_t now_ms()
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Runs the tasks concurrently on this core and waits for all of them.
asio::awaitable<void> run_all(std::vector<std::function<asio::awaitable<void>()>> tasks)
{
  if (tasks.size() == 1) {  // a put batch's usual shape: nothing to run beside it
    try {
      co_await tasks.front()();
    } catch (std::exception const& e) {
      log_error("write task failed: ", e.what());
    }
    co_return;
  }
  auto ex = co_await asio::this_coro::executor;
  std::size_t left = tasks.size();
  async_event done(ex);
  for (auto& task : tasks)
    asio::co_spawn(
        ex,
        [&, task = std::move(task)]() -> asio::awaitable<void> {
          try {
            co_await task();
          } catch (std::exception const& e) {
            log_error("write task failed: ", e.what());
          }
          --left;
          done.notify();
        },
        asio::detached);
  while (left > 0) co_await done.wait();
}

key_schema schema_of(table_config const& t)
{
  return key_schema{t.hash_key, t.hash_key_type, t.range_key, t.range_key_type};
}

bool retries_exhausted(unsigned attempts, int max_retries)
{
  return max_retries >= 0 && attempts > static_cast<unsigned>(max_retries);
}

}  // namespace

planned_record shard_worker::planned(ticket t)
{
  auto& s = slot(t);
  return planned_record{s.position, &s.item, s.partition_key, s.stamp};
}

bool shard_worker::unconditional_ok(ticket last) const
{
  auto const& s = const_cast<shard_worker*>(this)->slot(last);
  if (!shared_.config.write.idempotent) return true;
  if (!shared_.config.write.unconditional_batches) return false;
  if (conditional_through_ && !(*conditional_through_ < s.position)) return false;
  if (!reserved_ || *reserved_ < s.position) return false;
  return handle_->safe(clock::now());
}

asio::awaitable<void> shard_worker::pace(std::uint32_t table, double cost)
{
  auto& p = *shared_.pacers[table];
  if (p.unlimited()) co_return;
  auto now = clock::now();
  auto start = p.reserve(cost, now);
  if (start > now) co_await engine::async_sleep(start - now, as_result);
}

asio::awaitable<void> shard_worker::backoff(unsigned attempt, engine::failure_class kind)
{
  co_await engine::async_sleep(core_.backoff.backoff(std::max(attempt, 1u), kind), as_result);
}

std::optional<std::int64_t> shard_worker::oldest_allowed_arrival_ms() const
{
  auto max_age = shared_.config.write.max_record_age;
  if (max_age.count() < 0) return std::nullopt;
  return now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(max_age).count();
}

bool shard_worker::has_too_old(ticket_list const& records) const
{
  auto limit = oldest_allowed_arrival_ms();
  return limit && std::any_of(records.begin(), records.end(), [&](ticket t) { return slot(t).arrival_ms < *limit; });
}

asio::awaitable<bool> shard_worker::drop_too_old(std::uint32_t, ticket_list& records)
{
  auto limit = oldest_allowed_arrival_ms();
  ticket_list old;
  if (limit)
    records.erase(std::remove_if(records.begin(), records.end(),
                                 [&](ticket t) {
                                   if (slot(t).arrival_ms >= *limit) return false;
                                   old.push_back(t);
                                   return true;
                                 }),
                  records.end());
  if (!old.empty())
    co_await dead_letter(old, dead_letter_reason::max_record_age,
                         "older than max_record_age_s=" + std::to_string(shared_.config.write.max_record_age.count()),
                         0);
  co_return !records.empty();
}

asio::awaitable<void> shard_worker::dead_letter(ticket_list const& records, std::string_view reason,
                                                std::string error, std::uint32_t attempts)
{
  auto const& tables = shared_.mapper.tables();
  for (auto t : records) {
    auto& s = slot(t);
    if (s.finished) continue;
    consumer::dead_letter d;
    d.reason = std::string(reason);
    d.error = error;
    d.stream = shared_.config.stream;
    d.shard = lease_.key;
    d.sequence = std::string(s.position.sequence());
    d.sub_sequence = s.position.sub_sequence();
    d.partition_key = std::string(s.partition_key);
    d.arrival_ms = s.arrival_ms;
    if (!s.item.empty() && s.table < tables.size()) d.table = tables[s.table].name;
    d.attempts = attempts;
    d.time_ms = now_ms();
    d.data = std::string(s.data);
    if (!shared_.dead_letters) {
      log_error("no dead-letter destination: dropping shard ", d.shard, " sequence ", d.sequence, "/", d.sub_sequence,
                " (", d.reason, ": ", d.error, ")");
    } else {
      // Until the letter is durable the record is not finished, so the
      // checkpoint cannot pass it: keep trying (a full disk is an operator's
      // problem, not a reason to lose the record).
      for (unsigned attempt = 1;; ++attempt) {
        auto op = [sink = shared_.dead_letters, d]() -> asio::awaitable<boost::system::error_code> {
          co_return co_await sink->write(d);
        };
        auto ec = co_await asio::co_spawn(shared_.dead_letters->executor(), std::move(op), asio::use_awaitable);
        if (!ec || handle_->lost.load(std::memory_order_acquire)) break;
        co_await backoff(attempt, engine::failure_class::transient);
      }
    }
    finish(ticket_list{t}, outcome::dead_lettered);
  }
}

asio::awaitable<void> shard_worker::write_batch(std::uint32_t table, std::vector<group> groups)
{
  auto self = shared_from_this();
  auto const& tc = shared_.mapper.tables()[table];
  std::vector<std::function<asio::awaitable<void>()>> tasks;
  if (tc.mode == write_mode::merge) {
    for (auto& g : groups) tasks.push_back([this, table, &g] { return merge(table, g.records, 0); });
  } else {
    // Only the newest record of a key matters for `put`; the older ones are
    // finished by the same write.
    std::vector<group*> unconditional;
    for (auto& g : groups) {
      if (unconditional_ok(g.records.back()))
        unconditional.push_back(&g);
      else
        tasks.push_back([this, table, &g] { return put_conditional(table, g); });
    }
    if (!unconditional.empty())
      tasks.push_back([this, table, unconditional] { return put_unconditional(table, unconditional); });
  }
  co_await run_all(std::move(tasks));
  for (auto const& g : groups) schedulers_[table].complete(g.key_hash);
  groups.clear();
  spare_groups_.push_back(std::move(groups));
  --in_flight_;
  wake_.notify();
}

asio::awaitable<void> shard_worker::put_unconditional(std::uint32_t table, std::vector<group*> pending)
{
  auto const& tc = shared_.mapper.tables()[table];
  auto& tm = shared_.metrics.table(table);
  auto const max_retries = shared_.config.write.max_retries;
  unsigned throttles = 0;
  while (!pending.empty()) {
    if (handle_->lost.load(std::memory_order_acquire)) co_return;
    if (std::any_of(pending.begin(), pending.end(), [&](group* g) { return has_too_old(g->records); })) {
      std::vector<group*> live;
      for (auto* g : pending)
        if (co_await drop_too_old(table, g->records)) live.push_back(g);
      pending = std::move(live);
      if (pending.empty()) co_return;
    }
    if (shared_.config.write.idempotent && !handle_->safe(clock::now())) {
      // Our hold on the lease is no longer certain: finish with conditions.
      std::vector<std::function<asio::awaitable<void>()>> tasks;
      for (auto* g : pending) tasks.push_back([this, table, g] { return put_conditional(table, *g); });
      co_await run_all(std::move(tasks));
      co_return;
    }
    // Each key's latest record is written from its slot, the position (and
    // stamp) added in place: copying an item is a map's worth of
    // allocations. Adding them again on a retry changes nothing.
    std::vector<codecs::item const*> ptrs;
    ptrs.reserve(pending.size());
    double cost = 0;
    for (auto* g : pending) {
      auto& item = slot(g->records.back()).item;
      if (shared_.config.write.idempotent) add_put_marks(item, shared_.attrs, planned(g->records.back()));
      ptrs.push_back(&item);
      cost += tc.unit == rate_unit::wcu ? static_cast<double>(estimate_wcu(item)) : 1.0;
    }
    co_await pace(table, cost);
    co_await core_.write_slots.acquire();
    auto r = co_await core_.writes.batch_put(tc.name, schema_of(tc), ptrs);
    core_.write_slots.release();
    tm.requests.add();
    tm.batch_requests.add();
    if (r) {
      std::vector<bool> again(pending.size(), false);
      for (auto i : *r) again[i] = true;
      std::vector<group*> next;
      for (std::size_t i = 0; i < pending.size(); ++i) {
        if (again[i]) {
          next.push_back(pending[i]);
        } else {
          finish(pending[i]->records, outcome::written);
          tm.items_written.add();
        }
      }
      pending = std::move(next);
      if (!pending.empty()) {
        // UnprocessedItems is DynamoDB throttling part of the batch: back
        // off (this batch only) and resend just those.
        tm.write_throttles.add(pending.size());
        co_await backoff(++throttles, engine::failure_class::throttling);
      }
      continue;
    }
    auto const& e = r.error();
    if (e.throttled()) {
      tm.write_throttles.add();
      co_await backoff(++throttles, engine::failure_class::throttling);
      continue;
    }
    tm.write_errors.add();
    if (e.kind == engine::failure_class::transient) {
      std::vector<group*> next;
      unsigned attempt = 0;
      for (auto* g : pending) {
        g->last_error = e.describe();
        if (retries_exhausted(++g->attempts, max_retries))
          co_await dead_letter(g->records, dead_letter_reason::max_retries, g->last_error, g->attempts);
        else
          next.push_back(g), attempt = std::max(attempt, g->attempts);
      }
      pending = std::move(next);
      if (!pending.empty()) co_await backoff(attempt, engine::failure_class::transient);
      continue;
    }
    // Permanent: some item is unacceptable (too large, wrong key type...).
    // Halve the batch until the culprit stands alone; the rest goes through.
    if (pending.size() > 1 && shared_.config.write.bisect_on_error) {
      auto mid = pending.begin() + static_cast<long>(pending.size() / 2);
      std::vector<group*> first(pending.begin(), mid), second(mid, pending.end());
      co_await put_unconditional(table, std::move(first));
      co_await put_unconditional(table, std::move(second));
      co_return;
    }
    for (auto* g : pending) {
      auto last = g->records.back();
      g->records.pop_back();
      ticket_list one_record{last};
      co_await dead_letter(one_record, dead_letter_reason::write_rejected, e.describe(), g->attempts + 1);
      // The key's previous state in this group is still worth writing.
      if (!g->records.empty()) co_await put_conditional(table, *g);
    }
    co_return;
  }
}

asio::awaitable<void> shard_worker::put_conditional(std::uint32_t table, group& g)
{
  auto const& tc = shared_.mapper.tables()[table];
  auto& tm = shared_.metrics.table(table);
  auto const max_retries = shared_.config.write.max_retries;
  unsigned throttles = 0;
  while (!g.records.empty()) {
    if (handle_->lost.load(std::memory_order_acquire)) co_return;
    if (has_too_old(g.records)) {
      if (!co_await drop_too_old(table, g.records)) co_return;
    }
    auto w = plan_put(tc, shared_.attrs, planned(g.records.back()), true);
    co_await pace(table, tc.unit == rate_unit::wcu ? static_cast<double>(estimate_wcu(w.item)) : 1.0);
    co_await core_.write_slots.acquire();
    auto r = co_await core_.writes.write(w);
    core_.write_slots.release();
    tm.requests.add();
    if (r) {
      tm.items_written.add();
      finish(g.records, outcome::written);
      co_return;
    }
    auto const& e = r.error();
    if (e.is(conditional_check_failed)) {
      // The item already holds this state or a newer one.
      tm.conditional_refusals.add();
      finish(g.records, outcome::skipped);
      co_return;
    }
    if (e.throttled()) {
      tm.write_throttles.add();
      co_await backoff(++throttles, engine::failure_class::throttling);
      continue;
    }
    tm.write_errors.add();
    g.last_error = e.describe();
    if (e.kind == engine::failure_class::transient) {
      if (retries_exhausted(++g.attempts, max_retries)) {
        co_await dead_letter(g.records, dead_letter_reason::max_retries, g.last_error, g.attempts);
        co_return;
      }
      co_await backoff(g.attempts, engine::failure_class::transient);
      continue;
    }
    auto last = g.records.back();
    g.records.pop_back();
    ticket_list one_record{last};
    co_await dead_letter(one_record, dead_letter_reason::write_rejected, g.last_error, g.attempts + 1);
    g.attempts = 0;
  }
}

asio::awaitable<void> shard_worker::merge(std::uint32_t table, ticket_list records, unsigned attempts)
{
  auto const& tc = shared_.mapper.tables()[table];
  auto& tm = shared_.metrics.table(table);
  auto const max_retries = shared_.config.write.max_retries;
  merge_guard guard;
  if (!shared_.config.write.idempotent) guard.type = merge_guard::kind::none;
  unsigned throttles = 0, rounds = 0;
  std::string last_error;
  auto split = [&]() -> asio::awaitable<void> {
    auto mid = records.begin() + static_cast<long>(records.size() / 2);
    // In order: the first half's updates precede the second's for this key.
    co_await merge(table, ticket_list(records.begin(), mid), 0);
    co_await merge(table, ticket_list(mid, records.end()), 0);
  };
  while (!records.empty()) {
    if (handle_->lost.load(std::memory_order_acquire)) co_return;
    if (has_too_old(records)) {
      if (!co_await drop_too_old(table, records)) co_return;
    }
    std::vector<planned_record> group;
    group.reserve(records.size());
    for (auto t : records) group.push_back(planned(t));
    auto w = plan_merge(tc, merge_attrs_, group, guard);
    if (!w) {
      // A counter sum beyond 38 digits: write smaller groups.
      if (records.size() > 1) co_return co_await split();
      co_await dead_letter(records, dead_letter_reason::write_rejected, "counter is not a number DynamoDB can add", 0);
      co_return;
    }
    co_await pace(table, 1.0);
    co_await core_.write_slots.acquire();
    auto r = co_await core_.writes.write(*w);
    core_.write_slots.release();
    tm.requests.add();
    if (r) {
      tm.items_written.add();
      finish(records, outcome::written);
      co_return;
    }
    auto const& e = r.error();
    if (e.is(conditional_check_failed)) {
      // The item has seen part of this group (a replay cut differently) or
      // all of it: read what it reflects and apply only the rest.
      tm.conditional_refusals.add();
      auto stored = co_await core_.admin.get_item(tc.name, w->key, true);
      if (!stored) {
        last_error = stored.error().describe();
        if (retries_exhausted(++attempts, max_retries)) {
          co_await dead_letter(records, dead_letter_reason::max_retries, last_error, attempts);
          co_return;
        }
        co_await backoff(attempts, engine::failure_class::transient);
        continue;
      }
      auto marks = marks_of(merge_attrs_, stored->has_value() ? &**stored : nullptr);
      auto keep = not_yet_applied(group, marks);
      ticket_list rest, done;
      std::size_t k = 0;
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (k < keep.size() && keep[k] == i)
          rest.push_back(records[i]), ++k;
        else
          done.push_back(records[i]);
      }
      finish(done, outcome::skipped);
      records = std::move(rest);
      guard = merge_guard{merge_guard::kind::exact, marks};
      // Another writer racing us on this key (a previous owner still
      // draining) can refuse the compare-and-set again; that is progress
      // for someone, but bound it like any other failure.
      if (++rounds > 16 && retries_exhausted(++attempts, max_retries)) {
        co_await dead_letter(records, dead_letter_reason::max_retries, "condition kept failing: " + e.describe(), attempts);
        co_return;
      }
      continue;
    }
    if (e.throttled()) {
      tm.write_throttles.add();
      co_await backoff(++throttles, engine::failure_class::throttling);
      continue;
    }
    tm.write_errors.add();
    last_error = e.describe();
    if (e.kind == engine::failure_class::transient) {
      if (retries_exhausted(++attempts, max_retries)) {
        co_await dead_letter(records, dead_letter_reason::max_retries, last_error, attempts);
        co_return;
      }
      co_await backoff(attempts, engine::failure_class::transient);
      continue;
    }
    if (records.size() > 1 && shared_.config.write.bisect_on_error) co_return co_await split();
    co_await dead_letter(records, dead_letter_reason::write_rejected, last_error, attempts + 1);
    co_return;
  }
}

}  // namespace kinesys::consumer::detail
