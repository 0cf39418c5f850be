// Routing, aggregation and sealing on the owning core. Sending, responses and
// shard maps are in core_sender.cpp.
#include "core_pipeline.hpp"

#include "spool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>

namespace kinesys::producer::detail {

namespace asio = boost::asio;

namespace {

engine::http_client_options http_options(producer_config const& c) {
  engine::http_client_options o;
  o.max_connections_per_endpoint = c.max_connections;
  o.connect_timeout = c.connect_timeout;
  o.request_timeout = c.request_timeout;
  o.verify_tls = c.verify_certificate;
  return o;
}

engine::aws::aws_client_options client_options(producer_config const& c, unsigned attempts) {
  engine::aws::aws_client_options o;
  o.retry.base = c.retry_base_delay;
  o.retry.max_delay = c.retry_max_delay;
  o.retry.throttling_base = c.retry_base_delay;
  o.retry.max_attempts = attempts;
  return o;
}

engine::retry_options retry_options_of(producer_config const& c) {
  engine::retry_options o;
  o.base = c.retry_base_delay;
  o.max_delay = c.retry_max_delay;
  o.throttling_base = c.retry_base_delay;
  o.max_attempts = ~0u;  // a record's attempts end at RecordTtl, not at a count
  return o;
}

}  // namespace

std::uint64_t first_stamp_sequence(std::chrono::system_clock::time_point now) noexcept {
  // Consumers drop a stamp at or below the last one seen for (producer id,
  // partition key), remembered across restarts (merge tables keep it on the
  // item). A producer restarted under the same ProducerId — a fixed id in a
  // configuration file — must therefore continue above its predecessor:
  // the sequence starts at the microseconds since 2020, which a core never
  // outruns (it would need a million records per second).
  constexpr std::int64_t epoch_2020_us = 1'577'836'800'000'000;
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  return static_cast<std::uint64_t>(std::max<std::int64_t>(us - epoch_2020_us, 0));
}

// Rethrows nothing: a coroutine of the pipeline that fails is a bug, and
// the core must keep serving the other records.
void report_coroutine_failure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (std::exception const& ex) {
    std::cerr << "kinesys producer: internal coroutine failed: " << ex.what() << '\n';
  }
}

core_pipeline::core_pipeline(std::size_t core, std::size_t cores, shared_state& shared, asio::io_context& io,
                             core_connection const& connection)
    : core_(core),
      cores_(cores),
      slice_(slice_of_core(core, cores)),
      shared_(shared),
      config_(shared.config),
      io_(io),
      http_(std::make_unique<engine::http_client>(io.get_executor(), http_options(shared.config))),
      data_client_(std::make_unique<engine::aws::kinesis_client>(*http_, connection.endpoint, connection.credentials,
                                                                 connection.region, client_options(shared.config, 1))),
      control_client_(std::make_unique<engine::aws::kinesis_client>(
          *http_, connection.endpoint, connection.credentials, connection.region, client_options(shared.config, 5))),
      retry_(retry_options_of(shared.config)),
      max_requests_(shared.config.max_connections),
      tick_(std::clamp<clock::duration>(shared.config.record_max_buffered_time / 5, std::chrono::milliseconds(1),
                                        std::chrono::milliseconds(50))) {
  // The outer partition key (≤ 256 characters, ≤ 1024 bytes) counts against
  // the 1 MiB record limit too.
  aggregate_limit_ = std::min<std::size_t>(config_.aggregation_max_size, record_max_bytes - 1024);
  own_origin_ = shared_.producer_id;
  if (cores_ > 1) own_origin_ += "." + std::to_string(core_);
  stamp_sequence_ = first_stamp_sequence(std::chrono::system_clock::now());
}

core_pipeline::~core_pipeline() = default;

void core_pipeline::start() {
  asio::co_spawn(io_, ticker(), report_coroutine_failure);
}

void core_pipeline::stop() { stopped_ = true; }

void core_pipeline::begin_close() {
  closing_ = true;
  flush();
}

void core_pipeline::flush() {
  drain();  // what the application handed over before the flush is part of it
  // The flush covers the records this core holds now, and no later one:
  // under a constant feed the core is never empty, and records put after a
  // flush must aggregate for RecordMaxBufferedTime as usual.
  flush_until_ = taken_;
  flush_remaining_ = held_;
  flushing_ = flush_remaining_ > 0;
  flush_buffered();
}

void core_pipeline::flush_buffered() {
  for (auto& st : streams_) {
    if (!st) continue;
    // A stream still waiting for its map sends its parked records as soon
    // as the map arrives.
    if (st->status != stream_status::ready) st->flush_requested = true;
    for (std::uint32_t s = 0; s < st->shards.size(); ++s) seal(*st, s);
  }
  pump_all(clock::now(), true);
  // What the flush found but could not send yet is part of it too: records
  // held back for their key's order, and Kinesis records waiting to be
  // retried. They go out as soon as they may (send_request, on_tick), not
  // RecordMaxBufferedTime later, until the last record the flush covers
  // is finished (finish_user).
}

codecs::uint128 core_pipeline::key_of(user_record const& u) noexcept {
  // Keys of different streams must not wait for each other.
  return u.hash_key ^ (static_cast<codecs::uint128>(u.stream) * 0x9E3779B97F4A7C15ULL << 64);
}

stream_state& core_pipeline::stream(std::uint32_t id, clock::time_point now) {
  if (id >= streams_.size()) streams_.resize(id + 1);
  if (!streams_[id]) {
    streams_[id] = std::make_unique<stream_state>(std::string(shared_.streams.name(id)), config_.collection_max_count,
                                                  config_.collection_max_size, config_.shard_map_refresh_min_interval);
    streams_[id]->id = id;
    if (streams_[id]->refresh.start(now))
      asio::co_spawn(io_, load_map(id), report_coroutine_failure);
  }
  return *streams_[id];
}

void core_pipeline::drain() {
  intake_.take(taken_slots_, finished_slots_);
  std::size_t n = taken_slots_.size();
  if (n == 0) return;
  auto now = clock::now();
  held_ += n;
  // The slots were just written on the application's thread: their lines
  // are in its core's cache, and asking for them ahead overlaps the
  // transfers. A record whose key is free is aggregated at once, so its
  // data is asked for too.
  record_prefetcher ahead(intake_, taken_slots_, record_visit::aggregate);
  for (std::size_t i = 0; i < n; ++i) {
    ahead.at(i);
    std::uint32_t r = taken_slots_[i];
    if (r >= links_.size()) links_.resize(std::max<std::size_t>(r + 1, links_.size() * 2), no_index);
    user_record& u = intake_[r];
    u.taken = ++taken_;
    u.krec = no_index;
    if (u.stamp == 0) {
      u.stamp = ++stamp_sequence_;
      u.stamp_origin = 0;
    }
    links_[r] = no_index;
    metrics_.user_records_received.add();
    if (spool_ && u.spool_id == 0) {
      spool_->record(u, shared_.streams.name(u.stream),
                     u.stamp_origin_text.empty() ? std::string_view(own_origin_) : std::string_view(u.stamp_origin_text));
      metrics_.spooled.add();
    }
    route(r, now);
  }
  pump_all(now);
  metrics_.held.set(tracker_.held_records());
}

void core_pipeline::route(std::uint32_t r, clock::time_point now) {
  user_record& u = intake_[r];
  if (now >= u.deadline) return fail_user(r, put_error(errc::ttl_expired, "record expired after RecordTtl (" +
                                                                            std::to_string(config_.record_ttl.count()) +
                                                                            " ms) before it could be sent"));
  stream_state& st = stream(u.stream, now);
  auto park = [&] {
    // A key with a Kinesis record unanswered, or records held behind one,
    // waits behind them, not in the parked list: when that Kinesis record
    // is answered, or misplaced and sent again, its records and the held
    // ones are routed (or parked) first, and a record parked now would
    // overtake them.
    if (config_.preserve_key_order) {
      if (auto key = key_of(u); tracker_.busy(key)) {
        hold(key, r);
        return;
      }
    }
    links_[r] = no_index;
    if (st.pending_tail == no_index) st.pending_head = r;
    else links_[st.pending_tail] = r;
    st.pending_tail = r;
  };
  switch (st.status) {
  case stream_status::loading: return park();
  case stream_status::missing:
    if (st.refresh.start(now)) {
      st.status = stream_status::loading;
      park();
      asio::co_spawn(io_, load_map(u.stream), report_coroutine_failure);
      return;
    }
    return fail_user(r, put_error(st.missing_code, st.missing_reason));
  case stream_status::ready: break;
  }
  place(st, shard_for(st, u.hash_key), r, now);
}

void core_pipeline::hold(codecs::uint128 key, std::uint32_t r) {
  tracker_.hold(key, r);
  metrics_.held.add();
}

std::uint32_t core_pipeline::shard_for(stream_state& st, codecs::uint128 hash_key) {
  if (auto i = st.map.find(hash_key); i && st.shard_of_map[*i] != no_index) return st.shard_of_map[*i];
  // A gap in the map (read mid-reshard): aggregate apart, without a
  // limiter; the service routes by hash key and a refresh follows.
  if (st.unpredicted == no_index) {
    auto sh = std::make_unique<shard_state>();
    sh->aggregator.emplace(codecs::aggregator::limits{aggregate_limit_, config_.aggregation_max_count});
    st.unpredicted = static_cast<std::uint32_t>(st.shards.size());
    st.shards.push_back(std::move(sh));
  }
  st.refresh.request();
  return st.unpredicted;
}

std::uint32_t core_pipeline::open_krec(stream_state& st, std::uint32_t shard, bool aggregated) {
  std::uint32_t k = krecs_.acquire();
  kinesis_rec& kr = krecs_[k];
  kr.stream = st.id;
  kr.shard = shard;
  kr.map_version = st.map_version;
  kr.aggregated = aggregated;
  kr.digest_pending = false;
  kr.blob.clear();
  kr.partition_key.clear();
  kr.explicit_hash_key.clear();
  kr.users.clear();
  kr.count = 0;
  kr.bytes = 0;
  kr.user_bytes = 0;
  kr.user_data_bytes = 0;
  kr.flush_at = clock::time_point::max();
  kr.deadline = clock::time_point::max();
  kr.not_before = {};
  kr.first_sent = {};
  kr.attempts = 0;
  kr.last_error.clear();
  kr.next = no_index;
  return k;
}

void core_pipeline::append_user(std::uint32_t k, std::uint32_t r) {
  kinesis_rec& kr = krecs_[k];
  user_record& u = intake_[r];
  if (kr.count == 0) {
    // The KPL's choice: the first user record's keys route the whole
    // aggregate, so it lands on that record's (predicted) shard.
    kr.partition_key.assign(u.partition_key);
    if (u.rare) kr.explicit_hash_key.assign(u.explicit_hash_key);
    kr.flush_at = u.deadline - config_.record_ttl + config_.record_max_buffered_time;
  }
  links_[r] = no_index;
  kr.users.push_back(r);
  ++kr.count;
  kr.user_bytes += u.bytes;
  kr.user_data_bytes += u.data.size();
  kr.deadline = std::min(kr.deadline, u.deadline);
  u.krec = k;
}

void core_pipeline::place(stream_state& st, std::uint32_t s, std::uint32_t r, clock::time_point now) {
  (void)now;
  user_record& u = intake_[r];
  shard_state& sh = *st.shards[s];
  codecs::uint128 key = key_of(u);
  bool ordered = config_.preserve_key_order;
  if (ordered && !tracker_.can_join(key, sh.open)) {
    hold(key, r);
    return;
  }

  auto standalone = [&] {
    // Unaggregated: the user record is the Kinesis record. Its data moves
    // into the blob (capacity swapped back, not freed).
    std::uint32_t k = open_krec(st, s, false);
    if (ordered) tracker_.bind(key, k);
    append_user(k, r);
    kinesis_rec& kr = krecs_[k];
    auto& data = intake_[r].data;
    kr.blob.swap(data);
    // The blob's old buffer is the slot's now; a big one should not stay.
    if (data.capacity() > huge_record_bytes) std::string().swap(data);
    sh.open = k;
    seal(st, s);
  };

  // In a map gap the shard is unknown: an aggregate there could mix keys of
  // different shards, so records go alone and the service routes each.
  if (!config_.aggregation_enabled || s == st.unpredicted) return standalone();

  codecs::tag stamp_tag;
  codecs::user_record view{u.partition_key, u.rare ? std::string_view(u.explicit_hash_key) : std::string_view(),
                           u.data, {}};
  if (config_.idempotency_stamps) {
    stamp_text_.assign(u.rare && !u.stamp_origin_text.empty() ? u.stamp_origin_text : own_origin_);
    stamp_text_.push_back(':');
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, u.stamp);
    (void)ec;
    stamp_text_.append(digits, end);
    stamp_tag = codecs::tag{"ks", std::string_view(stamp_text_)};
    view.tags = std::span<codecs::tag const>(&stamp_tag, 1);
  }

  if (sh.open == no_index) sh.open = open_krec(st, s, true);
  if (!sh.aggregator->try_add(view)) {
    if (!sh.aggregator->empty()) {
      seal(st, s);
      if (ordered && !tracker_.can_join(key, no_index)) {
        hold(key, r);
        return;
      }
      sh.open = open_krec(st, s, true);
    }
    if (!sh.aggregator->try_add(view)) {
      // Too big to aggregate at all: it goes alone, as a plain record.
      std::uint32_t empty = sh.open;
      sh.open = no_index;
      krecs_.release(empty);
      return standalone();
    }
  }
  if (ordered) tracker_.bind(key, sh.open);
  append_user(sh.open, r);
  if (sh.aggregator->count() >= config_.aggregation_max_count) seal(st, s);
}

void core_pipeline::seal(stream_state& st, std::uint32_t s) {
  shard_state& sh = *st.shards[s];
  std::uint32_t k = sh.open;
  if (k == no_index) return;
  sh.open = no_index;
  kinesis_rec& kr = krecs_[k];
  if (kr.aggregated) {
    if (kr.count == 0) {
      sh.aggregator->reset();
      krecs_.release(k);
      return;
    }
    kr.blob.clear();
    if (config_.compression == compression_codec::zstd) {
      // Compression needs the finished record.
      sh.aggregator->finish_into(kr.blob);
    } else {
      sh.aggregator->finish_into_without_digest(kr.blob);
      kr.digest_pending = true;
    }
    sh.aggregator->reset();
  }
  if (config_.compression == compression_codec::zstd) {
    compressed_.clear();
    // Keep the compressed form only when it is smaller: incompressible data
    // would otherwise grow past the limits the aggregator respected.
    if (codecs::compress(compressed_, kr.blob, {codecs::compression_codec::zstd, config_.compression_level}) &&
        compressed_.size() < kr.blob.size())
      kr.blob.swap(compressed_);
  }
  kr.bytes = kr.blob.size() + (kr.digest_pending ? codecs::kpl_digest_size : 0) + kr.partition_key.size();
  enqueue(sh, k, false);
}

void core_pipeline::enqueue(shard_state& sh, std::uint32_t k, bool front) {
  kinesis_rec& kr = krecs_[k];
  if (front) {
    kr.next = sh.queue_head;
    sh.queue_head = k;
    if (sh.queue_tail == no_index) sh.queue_tail = k;
  } else {
    kr.next = no_index;
    if (sh.queue_tail == no_index) sh.queue_head = k;
    else krecs_[sh.queue_tail].next = k;
    sh.queue_tail = k;
  }
  ++sh.queued;
}

void core_pipeline::pump(stream_state& st, clock::time_point now, bool force) {
  for (auto& shp : st.shards) {
    shard_state& sh = *shp;
    while (sh.queue_head != no_index) {
      std::uint32_t k = sh.queue_head;
      kinesis_rec& kr = krecs_[k];
      if (kr.not_before > now) break;
      auto pop = [&] {
        sh.queue_head = kr.next;
        if (sh.queue_head == no_index) sh.queue_tail = no_index;
        kr.next = no_index;
        --sh.queued;
      };
      if (now >= kr.deadline) {
        pop();
        fail_krec(k, ttl_error(kr));
        continue;
      }
      if (!st.batch.fits(kr.bytes) && !send(st)) return;
      if (sh.limiter && !sh.limiter->try_acquire(kr.bytes)) break;
      pop();
      st.batch.add(k, kr.bytes, kr.flush_at);
      ++sh.in_flight;
      if (st.batch.full() && !send(st)) return;
    }
  }
  if (!st.batch.empty() && (force || closing_ || st.batch.due(now + tick_))) send(st);
}

void core_pipeline::pump_all(clock::time_point now, bool force) {
  for (auto& st : streams_)
    if (st && st->status == stream_status::ready) pump(*st, now, force);
}

put_error core_pipeline::ttl_error(kinesis_rec const& k) const {
  std::string m = "record expired: not acknowledged within RecordTtl (" + std::to_string(config_.record_ttl.count()) +
                  " ms) after " + std::to_string(k.attempts) + " attempt(s)";
  if (!k.last_error.empty()) m += "; last error: " + k.last_error;
  return {errc::ttl_expired, std::move(m)};
}

asio::awaitable<void> core_pipeline::ticker() {
  while (!stopped_) {
    auto [ec] = co_await engine::async_sleep(tick_, asio::as_tuple(asio::use_awaitable));
    if (ec || stopped_) break;
    on_tick(clock::now());
  }
}

void core_pipeline::on_tick(clock::time_point now) {
  for (std::uint32_t id = 0; id < streams_.size(); ++id) {
    auto& stp = streams_[id];
    if (!stp) continue;
    stream_state& st = *stp;
    if (st.pending_head != no_index) expire_pending(st, now);
    if (st.refresh.wanted() && st.refresh.start(now))
      asio::co_spawn(io_, load_map(id), report_coroutine_failure);
    if (st.status != stream_status::ready) continue;
    for (std::uint32_t s = 0; s < st.shards.size(); ++s) {
      shard_state& sh = *st.shards[s];
      if (sh.open != no_index && (closing_ || flushing_ || now + tick_ >= krecs_[sh.open].flush_at)) seal(st, s);
    }
    pump(st, now, closing_ || flushing_);
  }
}

}  // namespace kinesys::producer::detail
