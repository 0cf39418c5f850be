#include "shard_worker.hpp"

#include "log.hpp"

#include <kinesys/detail/codecs/compression.hpp>
#include <kinesys/detail/engine/deadline.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kinesys::consumer::detail {

namespace asio = boost::asio;
namespace aws = engine::aws;
using clock = std::chrono::steady_clock;

namespace {

/// User records mapped between two turns given to the core's other work.
constexpr std::uint64_t yield_every_records = 2048;

aws::aws_client_options no_retries(engine::retry_options r)
{
  aws::aws_client_options o;
  o.retry = r;
  o.retry.max_attempts = 1;
  return o;
}

std::int64_t now_ms()
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

core_context::core_context(asio::any_io_executor ex_, engine::http_client_options http_options,
                           aws::aws_config const& aws, std::size_t concurrency, engine::retry_options write_retry)
    : ex(ex_),
      http(ex_, http_options),
      kinesis(http, aws),
      dynamo_writes_transport(http, aws::dynamodb_protocol, aws.dynamodb, aws.creds, aws.region,
                              no_retries(write_retry)),
      dynamo_admin_transport(http, aws::dynamodb_protocol, aws.dynamodb, aws.creds, aws.region),
      writes(dynamo_writes_transport),
      admin(dynamo_admin_transport),
      write_slots(ex_, concurrency),
      backoff(write_retry)
{
}

shard_worker::shard_worker(shared_context& shared, core_context& core, acquired_lease acquired)
    : shared_(shared),
      core_(core),
      lease_(std::move(acquired.state)),
      handle_(std::move(acquired.handle)),
      metrics_(shared.metrics.shard(lease_.key)),
      merge_attrs_(shared.attrs.for_shard(lease_.key, lease_.parents)),
      schedulers_(shared.mapper.tables().size()),
      dedup_(shared.config.dedup.window_keys),
      wake_(core.ex),
      control_(core.ex)
{
  resume_after_ = lease_.checkpoint_position();
  if (shared.config.dedup.enabled && !lease_.parents.empty())
    if (auto n = shared.handover.collect(lease_.parents, dedup_))
      log_info("shard ", lease_.key, ": dedup window continues from ", n, " parent(s)");
  if (auto range = codecs::parse_hash_key_range(lease_.starting_hash_key, lease_.ending_hash_key)) owned_range_ = *range;
  checkpointed_ = resume_after_;
  if (!lease_.high_water.empty())
    if (auto hw = stream_position::decode(lease_.high_water)) {
      conditional_through_ = *hw;
      // Our own reservations continue from the previous owner's: records up
      // to it are written with conditions anyway.
      reserved_ = *hw;
      // A live previous owner may still have unconditional writes up to its
      // mark in flight; it stops sending them within half a lease duration
      // of its last confirmed renewal (lease_handle::safe_until_ns). Wait
      // that long before writing what it may also have written.
      bool other_owner = !acquired.previous_owner.empty() && acquired.previous_owner != shared.worker_id;
      bool beyond_checkpoint = !resume_after_ || *resume_after_ < *hw;
      if (other_owner && beyond_checkpoint && shared.needs_high_water)
        writes_not_before_ = clock::now() + shared.config.lease.duration / 2;
    }
}

void shard_worker::stop(bool drain)
{
  if (stop_requested_ && !drain) drain_ = false;
  if (!stop_requested_) drain_ = drain;
  stop_requested_ = true;
  wake_.notify();
  control_.notify();
}

asio::awaitable<void> shard_worker::run()
{
  auto self = shared_from_this();
  auto ex = co_await asio::this_coro::executor;
  log_info("shard ", lease_.key, ": starting at ", lease_.checkpoint,
           lease_.checkpoint_sub ? "/" + std::to_string(lease_.checkpoint_sub) : std::string());
  asio::co_spawn(ex, [self]() { return self->read_loop(); }, asio::detached);
  asio::co_spawn(ex, [self]() { return self->checkpoint_loop(); }, asio::detached);
  co_await dispatch_loop();
  while (in_flight_ > 0) co_await wake_.wait();
  // The reader may still be inside GetRecords; it sees the flags and ends.
  bool lost = handle_->lost.load(std::memory_order_acquire);
  if (!lost) {
    if (shard_end_ && pending_ == 0) {
      // Children may start only now: everything of the parent is finished
      // and SHARD_END is recorded before anyone can take them.
      std::string end_marker(sentinel::shard_end);
      // Before the children can start: a retry re-routed to them is
      // recognised by what this shard remembers.
      if (shared_.config.dedup.enabled) shared_.handover.finished(lease_.key, children_.size(), std::move(dedup_));
      auto ec = co_await lease_checkpoint(end_marker, 0, children_);
      if (!ec) {
        log_info("shard ", lease_.key, ": reached SHARD_END, children ", children_.size());
        co_await release_lease(false);
        auto sync = [&leases = shared_.leases]() -> asio::awaitable<void> {
          leases.request_sync();
          co_return;
        };
        co_await asio::co_spawn(shared_.lease_core, std::move(sync), asio::use_awaitable);
      }
    } else if (drain_) {
      co_await release_lease(true);
    }
  }
  done_ = true;
  wake_.notify();
  control_.notify();
  shared_.metrics.forget_shard(lease_.key);
  log_info("shard ", lease_.key, lost ? ": stopped (lease lost)" : ": stopped");
}

asio::awaitable<aws::aws_result<std::string>> shard_worker::shard_iterator()
{
  aws::get_shard_iterator_request req;
  req.stream.name = shared_.config.stream;
  req.shard_id = lease_.key;
  if (last_read_) {
    // After an expired iterator: continue right after what was read (the
    // checkpoint may be behind it, but those records are in the pipeline).
    req.type = aws::shard_iterator_type::after_sequence_number;
    req.starting_sequence_number = std::string(last_read_->sequence());
  } else if (resume_after_) {
    // AT, not AFTER: an aggregated record may be only partly finished; its
    // user records at or below the checkpoint are skipped one by one.
    req.type = aws::shard_iterator_type::at_sequence_number;
    req.starting_sequence_number = std::string(resume_after_->sequence());
  } else if (lease_.checkpoint == sentinel::latest) {
    req.type = aws::shard_iterator_type::latest;
  } else if (lease_.checkpoint == sentinel::at_timestamp && shared_.config.start_timestamp) {
    req.type = aws::shard_iterator_type::at_timestamp;
    req.time = std::chrono::time_point_cast<std::chrono::milliseconds>(*shared_.config.start_timestamp);
  } else {
    req.type = aws::shard_iterator_type::trim_horizon;
  }
  co_return co_await core_.kinesis.get_shard_iterator(req);
}

asio::awaitable<void> shard_worker::read_loop()
{
  auto const& rc = shared_.config.read;
  std::string iterator;
  unsigned failures = 0;
  auto pause = [&](clock::duration d) -> asio::awaitable<void> {
    auto until = clock::now() + d;
    while (!stopping() && clock::now() < until) co_await control_.wait_until(until);
  };
  while (!stopping()) {
    if (iterator.empty()) {
      auto it = co_await shard_iterator();
      if (!it) {
        log_warn("shard ", lease_.key, ": GetShardIterator failed: ", it.error().describe());
        co_await pause(std::min<clock::duration>(std::chrono::seconds(5), rc.interval * (1 << std::min(++failures, 4u))));
        continue;
      }
      iterator = std::move(*it);
    }
    while (!stopping() && pending_ >= rc.max_pending_records) co_await wake_.wait();
    if (stopping()) break;

    auto batch = std::make_shared<aws::get_records_result>();
    aws::get_records_request req;
    req.shard_iterator = iterator;
    req.limit = static_cast<int>(rc.batch_size);
    auto r = co_await core_.kinesis.get_records(req, *batch);
    metrics_->get_records.add();
    if (!r) {
      auto const& e = r.error();
      if (e.is("ExpiredIteratorException")) {
        iterator.clear();
        continue;
      }
      if (e.throttled()) metrics_->read_throttles.add();
      if (e.is("ResourceNotFoundException") || e.is("InvalidArgumentException")) iterator.clear();
      log_warn("shard ", lease_.key, ": GetRecords failed: ", e.describe());
      // The engine already backed off within its attempts; wait longer still
      // before the next read so a throttled shard recovers.
      co_await pause(std::min<clock::duration>(std::chrono::seconds(5), rc.interval * (1 << std::min(++failures, 4u))));
      continue;
    }
    failures = 0;
    metrics_->millis_behind_latest.set(batch->millis_behind_latest);
    if (!batch->records.empty())
      metrics_->iterator_age_ms.set(now_ms() - batch->records.back().approximate_arrival.time_since_epoch().count());
    else if (batch->millis_behind_latest == 0)
      metrics_->iterator_age_ms.set(0);
    bool end = batch->next_shard_iterator.empty();
    if (end)
      for (auto const& c : batch->child_shards) children_.push_back(c.shard_id);
    iterator = batch->next_shard_iterator;
    if (!co_await accept(std::move(batch))) break;
    if (end) {
      shard_end_ = true;
      break;
    }
    co_await pause(rc.interval);
  }
  reading_done_ = true;
  wake_.notify();
}

void shard_worker::add_user_record(std::shared_ptr<aws::get_records_result> const& batch,
                                   std::shared_ptr<std::string> const& inflated, aws::kinesis_record const& outer,
                                   std::uint64_t sub, codecs::user_record const& u, ticket_list& unmappable)
{
  auto position = stream_position::make(outer.sequence_number, sub);
  if (!position) {
    log_error("shard ", lease_.key, ": unusable sequence number \"", outer.sequence_number, "\"");
    return;
  }
  if (resume_after_ && !(*resume_after_ < *position)) return;  // finished before the restart
  auto t = tracker_.add(*position);
  auto& s = slots_.emplace_back();
  s.position = *position;
  s.source = batch;
  s.inflated = inflated;
  s.partition_key = u.partition_key;
  s.data = u.data;
  s.arrival_ms = outer.approximate_arrival.time_since_epoch().count();
  ++pending_;
  metrics_->read.add();
  for (auto const& tag : u.tags)
    if (tag.key == shared_.config.dedup.tag && tag.value) s.stamp = parse_stamp(*tag.value);

  if (s.stamp && shared_.config.dedup.enabled &&
      dedup_.check_and_remember(s.stamp->producer_id, s.partition_key, s.stamp->sequence)) {
    shared_.metrics.duplicates_dropped.add();
    finish_one(t, outcome::skipped);
    return;
  }
  std::string_view payload = s.data;
  if (codecs::is_envelope(s.data)) {
    auto inner = codecs::unwrap(s.data, s.owned_data);
    if (!inner) {
      s.owned_data = inner.error().message();  // the reason, for the dead letter
      unmappable.push_back(t);
      return;
    }
    payload = *inner;
  }
  auto m = shared_.mapper.map(lease_.key, payload);
  if (!m) {
    s.owned_data = m.error().detail;
    unmappable.push_back(t);
    return;
  }
  s.item = std::move(m->item);
  s.table = static_cast<std::uint32_t>(m->table);
  s.key_hash = m->key_hash;
}

bool shard_worker::owns(codecs::user_record const& u) const noexcept
{
  if (!owned_range_) return true;
  if (!u.explicit_hash_key.empty()) {
    auto key = codecs::parse_hash_key(u.explicit_hash_key);
    return !key || owned_range_->contains(*key);
  }
  return owned_range_->contains(codecs::hash_key_of(u.partition_key));
}

asio::awaitable<bool> shard_worker::accept(std::shared_ptr<aws::get_records_result> batch)
{
  // Reserve before any of these records can be written (see lease.hpp), for
  // the whole answer at once: up to its last Kinesis record with every user
  // record it may hold, so mapped records can go to the writers while the
  // rest is still being mapped.
  if (shared_.needs_high_water && !batch->records.empty()) {
    auto newest = stream_position::make(batch->records.back().sequence_number, stream_position::max_sub_sequence);
    if (newest && (!reserved_ || *reserved_ < *newest)) {
      auto ec = co_await lease_reserve(*newest);
      if (ec) {
        log_warn("shard ", lease_.key, ": cannot reserve a high-water mark: ", ec.message());
        stop(false);
        co_return false;
      }
      reserved_ = *newest;
    }
  }
  auto first_new = tracker_.issued();
  ticket_list unmappable;
  std::size_t unmappable_passed = 0;
  auto published = first_new;
  // Hands the records mapped since the last call to the writers.
  auto publish = [&] {
    auto const last = tracker_.issued();
    bool any = false;
    for (auto t = std::max(published, base_); t < last; ++t) {
      auto& s = slot(t);
      if (s.finished) continue;
      if (unmappable_passed < unmappable.size() && unmappable[unmappable_passed] == t) {
        ++unmappable_passed;
        continue;
      }
      schedulers_[s.table].push(s.key_hash, static_cast<std::uint32_t>(t));
      any = true;
    }
    published = last;
    metrics_->pending.set(static_cast<std::int64_t>(pending_));
    if (any) wake_.notify();
  };
  for (auto const& rec : batch->records) {
    // A GetRecords answer can hold ~100,000 user records; mapping them in
    // one go would hold this core for a hundred milliseconds, and the writes
    // (whose completions run here, and which may have nothing left to write
    // but these records) would stall and miss their pace. Hand over what is
    // mapped and let them run every so often.
    if (tracker_.issued() - published >= yield_every_records) {
      publish();
      co_await asio::post(core_.ex, asio::use_awaitable);
    }
    // The producer's Compression wraps the whole Kinesis record, an
    // aggregate included: unwrap it before splitting. (A compressed plain
    // record stays as it is; add_user_record unwraps it.)
    std::string_view data = rec.data;
    std::shared_ptr<std::string> inflated;
    if (codecs::is_envelope(data)) {
      auto blob = std::make_shared<std::string>();
      if (auto inner = codecs::unwrap(data, *blob); inner && codecs::is_aggregated(*inner)) {
        data = *inner;
        inflated = std::move(blob);
      }
    }
    bool aggregated = codecs::is_aggregated(data);
    auto users = deaggregator_.split(data, rec.partition_key);
    if (!users) {
      // A corrupt aggregate behind a valid checksum: the whole Kinesis
      // record is one dead letter.
      codecs::user_record whole{rec.partition_key, {}, rec.data, {}};
      auto issued_before = tracker_.issued();
      auto listed_before = unmappable.size();
      add_user_record(batch, {}, rec, 0, whole, unmappable);
      if (tracker_.issued() > issued_before && !slot(issued_before).finished) {
        slot(issued_before).owned_data = "undecodable aggregated record: " + users.error().message();
        if (unmappable.size() == listed_before) unmappable.push_back(issued_before);
      }
    } else {
      std::uint64_t sub = 0;
      for (auto const& u : *users) {
        std::uint64_t const this_sub = aggregated ? sub++ : 0;
        // An aggregate a producer built with a stale shard map can land on
        // a shard that does not own some of its user records; the producer
        // (as the KPL) sends those again to the owning shard, so here they
        // are skipped, as the KCL does. Applying them would apply them twice.
        if (aggregated && !owns(u)) continue;
        add_user_record(batch, inflated, rec, this_sub, u, unmappable);
      }
    }
    if (auto p = stream_position::make(rec.sequence_number)) last_read_ = *p;
  }
  publish();
  wake_.notify();
  for (auto t : unmappable) {
    auto reason = slot(t).owned_data;
    ticket_list one_record{t};
    co_await dead_letter(one_record, dead_letter_reason::unmappable, reason, 0);
  }
  co_return true;
}

asio::awaitable<void> shard_worker::dispatch_loop()
{
  auto const& wc = shared_.config.write;
  auto const& tables = shared_.mapper.tables();
  for (;;) {
    if (handle_->lost.load(std::memory_order_acquire) || (stop_requested_ && !drain_)) break;
    if (reading_done_ && pending_ == 0) break;
    auto now = clock::now();
    if (now < writes_not_before_) {
      co_await wake_.wait_until(writes_not_before_);
      continue;
    }
    std::size_t table = tables.size();
    if (in_flight_ < wc.parallelization_factor)
      for (std::size_t i = 0; i < tables.size(); ++i) {
        auto t = (next_table_ + i) % tables.size();
        if (schedulers_[t].ready_keys() > 0) {
          table = t;
          break;
        }
      }
    if (table == tables.size()) {
      co_await wake_.wait();
      continue;
    }
    next_table_ = table + 1;
    std::size_t cap = wc.batch_items;
    auto const& p = *shared_.pacers[table];
    if (!p.unlimited() && tables[table].unit == rate_unit::items)
      cap = std::min(cap, static_cast<std::size_t>(std::max(1.0, p.grain())));
    auto& sb = scheduled_;
    sb.clear();
    schedulers_[table].take(cap, sb);
    // A batch's groups come to a couple of KiB: an allocation that size
    // makes the allocator consolidate its small free chunks first, so the
    // vectors of finished batches are kept and reused.
    std::vector<group> groups;
    if (!spare_groups_.empty()) {
      groups = std::move(spare_groups_.back());
      spare_groups_.pop_back();
    }
    groups.reserve(sb.groups.size());
    auto base32 = static_cast<std::uint32_t>(base_);
    for (auto const& kg : sb.groups) {
      group g;
      g.key_hash = kg.key_hash;
      for (std::uint32_t i = 0; i < kg.count; ++i)
        g.records.push_back(base_ + static_cast<std::uint32_t>(sb.records[kg.first + i] - base32));
      groups.push_back(std::move(g));
    }
    ++in_flight_;
    auto self = shared_from_this();
    asio::co_spawn(
        core_.ex,
        [self, table, groups = std::move(groups)]() mutable {
          return self->write_batch(static_cast<std::uint32_t>(table), std::move(groups));
        },
        asio::detached);
  }
}

asio::awaitable<void> shard_worker::checkpoint_loop()
{
  auto self = shared_from_this();
  auto interval = shared_.config.checkpoint.interval;
  while (!done_) {
    auto until = clock::now() + interval;
    while (!done_ && !stopping() && clock::now() < until) co_await control_.wait_until(until);
    if (done_ || stopping()) break;
    auto const& through = tracker_.finished_through();
    if (!through || (checkpointed_ && !(*checkpointed_ < *through))) continue;
    auto target = *through;
    auto ec = co_await lease_checkpoint(std::string(target.sequence()), target.sub_sequence(), std::nullopt);
    if (ec == errc::lease_lost || ec == errc::lease_not_held) break;
    if (!ec && (!checkpointed_ || *checkpointed_ < target)) checkpointed_ = target;
  }
}

asio::awaitable<boost::system::error_code> shard_worker::lease_checkpoint(std::string value, std::uint64_t sub,
                                                                         std::optional<std::vector<std::string>> children)
{
  // Every lambda handed to co_spawn inside a co_await is a named local:
  // GCC 12 destroys a closure temporary in a co_await expression twice.
  auto op = [&leases = shared_.leases, key = lease_.key, value = std::move(value), sub,
             children = std::move(children)]() mutable -> asio::awaitable<boost::system::error_code> {
    co_return co_await leases.checkpoint(key, std::move(value), sub, std::move(children));
  };
  auto ec = co_await asio::co_spawn(shared_.lease_core, std::move(op), asio::use_awaitable);
  co_return ec;
}

asio::awaitable<boost::system::error_code> shard_worker::lease_reserve(stream_position const& high_water)
{
  auto op = [&leases = shared_.leases, key = lease_.key,
             hw = high_water.encode()]() mutable -> asio::awaitable<boost::system::error_code> {
    co_return co_await leases.reserve(key, std::move(hw));
  };
  auto ec = co_await asio::co_spawn(shared_.lease_core, std::move(op), asio::use_awaitable);
  co_return ec;
}

asio::awaitable<void> shard_worker::release_lease(bool final_checkpoint)
{
  std::optional<std::string> value;
  std::uint64_t sub = 0;
  if (auto const& t = tracker_.finished_through(); final_checkpoint && t && (!checkpointed_ || *checkpointed_ < *t)) {
    value = std::string(t->sequence());
    sub = t->sub_sequence();
  }
  auto op = [&leases = shared_.leases, key = lease_.key, value, sub]() -> asio::awaitable<boost::system::error_code> {
    co_return co_await leases.release(key, value, sub);
  };
  auto ec = co_await asio::co_spawn(shared_.lease_core, std::move(op), asio::use_awaitable);
  if (ec) log_warn("shard ", lease_.key, ": release failed: ", ec.message());
}

void shard_worker::finish_one(ticket t, outcome o)
{
  auto& s = slot(t);
  if (s.finished) return;
  s.finished = true;
  tracker_.finish(t);
  --pending_;
  switch (o) {
    case outcome::written: metrics_->written.add(); break;
    case outcome::skipped: metrics_->skipped.add(); break;
    case outcome::dead_lettered: metrics_->dead_lettered.add(); break;
  }
}

void shard_worker::finish(ticket_list const& records, outcome o)
{
  for (auto t : records) finish_one(t, o);
  retire();
  metrics_->pending.set(static_cast<std::int64_t>(pending_));
  wake_.notify();
}

void shard_worker::retire()
{
  while (!slots_.empty() && slots_.front().finished) {
    slots_.pop_front();
    ++base_;
  }
}

}  // namespace kinesys::consumer::detail
