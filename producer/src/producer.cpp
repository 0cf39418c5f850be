// The application-facing producer: validation and hand-off on the calling
// thread, then the owning core takes over (core_pipeline).
#include "kinesys/detail/producer/producer.hpp"

#include "core_pipeline.hpp"
#include "metrics.hpp"
#include "shared_state.hpp"
#include "spool.hpp"

#include <kinesys/codecs.hpp>
#include <kinesys/engine.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <atomic>
#include <limits>
#include <random>
#include <span>

namespace kinesys::producer {

namespace asio = boost::asio;
using detail::clock;

namespace {

[[noreturn]] void fail_startup(std::string const& message) {
  throw boost::system::system_error(make_error_code(errc::config_invalid), message);
}

std::string random_producer_id() {
  std::random_device rd;
  std::uint64_t v = (std::uint64_t{rd()} << 32) | rd();
  static constexpr char hex[] = "0123456789abcdef";
  std::string id;
  for (int i = 0; i < 12; ++i) id.push_back(hex[(v >> (i * 4)) & 15]);
  return id;
}

detail::core_connection connect_settings(producer_config const& c, engine::aws::environment const& env) {
  detail::core_connection conn;
  auto profile = engine::aws::load_shared_profile(env);
  if (!profile) fail_startup("AWS configuration: " + profile.error().message);
  auto creds = engine::aws::resolve_credentials(env, *profile);
  if (!creds) fail_startup("AWS credentials: " + creds.error().message);
  conn.credentials = *creds;
  if (!c.region.empty()) {
    conn.region = c.region;
  } else {
    auto region = engine::aws::resolve_region(env, *profile);
    if (!region) fail_startup("Region: " + region.error().message);
    conn.region = *region;
  }
  if (!c.kinesis_endpoint.empty()) {
    auto ep = engine::endpoint::parse(c.kinesis_endpoint);
    if (!ep) fail_startup("KinesisEndpoint: cannot parse \"" + c.kinesis_endpoint + "\": " + ep.error().message());
    conn.endpoint = *ep;
  } else {
    auto ep = engine::aws::resolve_endpoint(engine::aws::aws_service::kinesis, conn.region, env, *profile);
    if (!ep) fail_startup("Kinesis endpoint: " + ep.error().message);
    conn.endpoint = *ep;
  }
  return conn;
}

}  // namespace

namespace detail {
struct batch_state;
}

struct producer::impl {
  // What put validated and computed on the calling thread.
  struct prepared {
    std::uint32_t stream = 0;
    std::string_view partition_key;
    std::string_view explicit_hash_key;
    std::string_view data;
    codecs::uint128 hash_key = 0;
    std::size_t core = 0;
    std::uint64_t cost = 0;
    detail::checkpoint_ticket ticket;
    std::optional<checkpoint_source> source;
    std::uint64_t offset = 0;
  };

  impl(producer_config config, engine::aws::environment const& env)
      : shared(std::move(config)),
        cores(engine::core_set_options{.cores = shared.config.cores,
                                       .handle_signals = false,
                                       .shutdown_grace = std::chrono::milliseconds(2000)}) {
    if (auto v = shared.config.validate(); !v) fail_startup(v.error().message());
    shared.producer_id = shared.config.producer_id.empty() ? random_producer_id() : shared.config.producer_id;
    auto conn = connect_settings(shared.config, env);
    for (std::size_t c = 0; c < cores.size(); ++c)
      pipelines.push_back(std::make_unique<detail::core_pipeline>(c, cores.size(), shared, cores.context(c), conn));
    detail::spool_recovery recovery;
    if (!shared.config.spool_directory.empty()) open_spool(recovery);
    for (auto& p : pipelines) p->start();
    cores.start();
    if (!recovery.records.empty() || !recovery.files.empty()) replay(recovery);
  }

  void open_spool(detail::spool_recovery& recovery) {
    auto const& dir = shared.config.spool_directory;
    auto r = detail::recover_spool(dir);
    if (!r) fail_startup("SpoolDirectory: cannot read " + dir.string() + ": " + r.error().message());
    recovery = std::move(*r);
    for (std::size_t c = 0; c < cores.size(); ++c) {
      spools.push_back(std::make_unique<detail::spool>(cores.context(c), dir, c, cores.size(), recovery.next_segment,
                                                       shared.config));
      if (auto ec = spools.back()->open())
        fail_startup("SpoolDirectory: cannot create a spool file in " + dir.string() + ": " + ec.message());
      pipelines[c]->attach_spool(spools.back().get());
    }
  }

  // Sends again what a previous producer spooled and never saw acknowledged,
  // under the stamps it had; the old files go once the records are spooled
  // anew (a crash before that only means they are sent once more).
  void replay(detail::spool_recovery& recovery) {
    for (auto& r : recovery.records) {
      prepared p;
      auto id = shared.streams.id(r.stream);
      if (!id) continue;
      p.stream = *id;
      p.partition_key = r.partition_key;
      p.explicit_hash_key = r.explicit_hash_key;
      p.data = r.data;
      if (!r.explicit_hash_key.empty()) {
        auto h = codecs::parse_hash_key(r.explicit_hash_key);
        p.hash_key = h ? *h : codecs::hash_key_of(r.partition_key);
      } else {
        p.hash_key = codecs::hash_key_of(r.partition_key);
      }
      p.core = detail::core_of(p.hash_key, cores.size());
      p.cost = r.data.size() + r.partition_key.size() + r.explicit_hash_key.size();
      shared.bp.acquire_blocking(p.cost);
      detail::completion c;
      c.callback = [this](put_outcome o) {
        recovered.fetch_add(1, std::memory_order_relaxed);
        if (!o) recovered_failed.fetch_add(1, std::memory_order_relaxed);
      };
      submit(p, std::move(c), r.stamp, r.stamp_origin);
    }
    if (!sync_spool()) {
      std::error_code ec;
      for (auto const& f : recovery.files) std::filesystem::remove(f, ec);
    }
  }

  boost::system::error_code sync_spool() {
    if (spools.empty()) return {};
    std::vector<std::future<boost::system::error_code>> done;
    for (std::size_t c = 0; c < cores.size(); ++c) {
      auto promise = std::make_shared<std::promise<boost::system::error_code>>();
      done.push_back(promise->get_future());
      cores.post(c, [this, c, promise] {
        pipelines[c]->drain();  // what was handed over is spooled first
        spools[c]->sync([promise](boost::system::error_code ec) { promise->set_value(ec); });
      });
    }
    boost::system::error_code first;
    for (auto& f : done)
      if (auto ec = f.get(); ec && !first) first = ec;
    return first;
  }

  void close_spools() {
    std::vector<std::future<void>> done;
    for (std::size_t c = 0; c < spools.size(); ++c) {
      auto promise = std::make_shared<std::promise<void>>();
      done.push_back(promise->get_future());
      cores.post(c, [this, c, promise] { spools[c]->close([promise] { promise->set_value(); }); });
    }
    for (auto& f : done) f.get();
  }

  boost::system::result<void, put_error> prepare(std::string_view stream, std::string_view key,
                                                 std::string_view data, put_options const& options, prepared& p) {
    auto id = check_stream(stream);
    if (!id) return id.error();
    p.stream = *id;
    if (auto r = check_record(key, data, options, p); !r) return r;
    if (options.explicit_hash_key.empty()) p.hash_key = codecs::hash_key_of(key);
    p.core = detail::core_of(p.hash_key, cores.size());
    return {};
  }

  /// The stream's registry index, once the producer is open and the name
  /// can be one.
  boost::system::result<std::uint32_t, put_error> check_stream(std::string_view stream) {
    if (shared.closed.load(std::memory_order_acquire)) return put_error(errc::producer_closed);
    if (stream.empty() || stream.size() > 128)
      return put_error(errc::stream_not_found, "stream name must have 1 to 128 characters, got " +
                                                   std::to_string(stream.size()));
    auto id = shared.streams.id(stream);
    if (!id)
      return put_error(errc::rejected, "more than " + std::to_string(detail::stream_registry::max_streams) +
                                           " streams used by one producer");
    return *id;
  }

  /// Validates one record and fills `p` but for its stream, core and, when
  /// there is no explicit hash key, hash key: those the caller computes
  /// (a batch hashes its keys side by side).
  static boost::system::result<void, put_error> check_record(std::string_view key, std::string_view data,
                                                             put_options const& options, prepared& p) {
    if (auto r = validate_partition_key(key); !r) return r;
    if (data.size() + key.size() > detail::record_max_bytes)
      return put_error(errc::record_too_large, "record too large: " + std::to_string(data.size()) +
                                                   " bytes of data + " + std::to_string(key.size()) +
                                                   " bytes of partition key exceed the 1048576-byte Kinesis limit");
    if (!options.explicit_hash_key.empty()) {
      auto h = codecs::parse_hash_key(options.explicit_hash_key);
      if (!h)
        return put_error(errc::explicit_hash_key_invalid,
                         "explicit hash key \"" + std::string(options.explicit_hash_key.substr(0, 48)) +
                             "\": " + h.error().message());
      p.hash_key = *h;
    }
    p.partition_key = key;
    p.explicit_hash_key = options.explicit_hash_key;
    p.data = data;
    p.cost = data.size() + key.size() + options.explicit_hash_key.size();
    p.source = options.source;
    p.offset = options.offset;
    return {};
  }

  put_error limit_error() const {
    return {errc::outstanding_limit, "outstanding limit reached: " + std::to_string(shared.bp.records()) +
                                         " records / " + std::to_string(shared.bp.bytes()) +
                                         " bytes (MaxOutstandingRecords " +
                                         std::to_string(shared.config.max_outstanding_records) +
                                         ", MaxOutstandingBytes " +
                                         std::to_string(shared.config.max_outstanding_bytes) + ")"};
  }

  static_assert(detail::stream_registry::max_streams <= 0xFFFF, "user_record::stream is 16 bits");

  // Room was taken for `p`; hands it to its core.
  void submit(prepared const& p, detail::completion done, std::uint64_t stamp = 0,
              std::string_view stamp_origin = {}) {
    detail::checkpoint_ticket ticket;
    if (p.source) ticket = shared.checkpoints.add(p.source->id, p.offset);
    auto const deadline = clock::now() + shared.config.record_ttl;
    auto& pipeline = *pipelines[p.core];
    bool wake = pipeline.intake().push([&](detail::user_record& u) {
      fill(u, p, deadline, stamp, stamp_origin);
      u.done = std::move(done);
      u.ticket = ticket;
    });
    if (wake) cores.post(p.core, [&pipeline] { pipeline.drain(); });
  }

  static void fill(detail::user_record& u, prepared const& p, clock::time_point deadline, std::uint64_t stamp,
                   std::string_view stamp_origin) {
    u.stream = static_cast<std::uint16_t>(p.stream);
    bool rare = !p.explicit_hash_key.empty() || !stamp_origin.empty();
    // The rare strings' line is written only when it holds something,
    // now or from the slot's previous record.
    if (rare || u.rare) {
      u.explicit_hash_key.assign(p.explicit_hash_key);
      u.stamp_origin_text.assign(stamp_origin);
    }
    u.rare = rare;
    u.hash_key = p.hash_key;
    u.partition_key.assign(p.partition_key);
    u.data.assign(p.data);
    u.deadline = deadline;
    u.stamp = stamp;
    u.stamp_origin = 0;
    u.spool_id = 0;
    u.bytes = static_cast<std::uint32_t>(p.cost);
  }

  void put_batch(std::string_view stream, std::span<batch_record const> records, batch_callback done);
  // Hands `part` (indices into `batch_records`, all for `core`, room taken)
  // to that core at once, and clears it. `batch` is the batch's state.
  void hand_over_part(std::size_t core, std::vector<std::uint32_t>& part, std::vector<prepared>& batch_records,
                      std::vector<std::uint32_t>& slots, clock::time_point deadline, detail::batch_state* batch);

  metrics_snapshot snapshot() const {
    metrics_snapshot m;
    for (auto const& p : pipelines) p->metrics().add_to(m);
    m.recovered = recovered.load(std::memory_order_relaxed);
    m.user_records_pending = shared.bp.records();
    m.user_bytes_pending = shared.bp.bytes();
    return m;
  }

  asio::awaitable<void> metrics_loop() {
    while (!shared.closed.load()) {
      auto [ec] = co_await engine::async_sleep(shared.config.metrics_interval, asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      std::function<void(metrics_snapshot const&)> fn;
      {
        std::lock_guard lock(metrics_mutex);
        fn = metrics_fn;
      }
      if (fn) fn(snapshot());
    }
  }

  void close() {
    std::lock_guard lock(close_mutex);
    if (closed_done) return;
    shared.closed.store(true, std::memory_order_release);
    shared.bp.close();
    for (std::size_t c = 0; c < cores.size(); ++c) cores.post(c, [p = pipelines[c].get()] { p->begin_close(); });
    // Every record completes: acknowledged, or failed once its RecordTtl
    // passes; close() cannot wait longer than that.
    shared.bp.wait_idle();
    close_spools();
    for (std::size_t c = 0; c < cores.size(); ++c) cores.post(c, [p = pipelines[c].get()] { p->stop(); });
    cores.stop();
    cores.join();
    closed_done = true;
  }

  detail::shared_state shared;
  engine::core_set cores;
  // Spools before pipelines: the pipelines point at them, so they go last.
  std::vector<std::unique_ptr<detail::spool>> spools;
  std::vector<std::unique_ptr<detail::core_pipeline>> pipelines;
  std::atomic<std::uint64_t> recovered{0};
  std::atomic<std::uint64_t> recovered_failed{0};
  std::mutex close_mutex;
  bool closed_done = false;
  std::mutex metrics_mutex;
  std::function<void(metrics_snapshot const&)> metrics_fn;
  bool metrics_started = false;
};

namespace detail {

// A batch's callback, shared by its records' completions (each holds a
// pointer and an index: small enough for std::function to keep inline, so a
// record's completion allocates nothing). The last completion frees it.
struct batch_state {
  producer::batch_callback done;
  std::atomic<std::size_t> remaining;

  void complete(std::size_t index, put_outcome const& outcome) {
    done(index, outcome);
    if (remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
};

}  // namespace detail

namespace {

// A calling thread's working vectors, kept between batches so that a batch
// allocates nothing once they have grown. A batch started from within
// another's callback on the same thread (a refused record's outcome is
// delivered at once) gets fresh ones.
struct batch_scratch {
  std::vector<producer::impl::prepared> prepared;
  std::vector<std::uint32_t> accepted;  ///< records that passed validation, in order
  std::vector<std::string_view> keys;   ///< the partition keys to hash
  std::vector<std::uint32_t> hashed;    ///< whose they are
  std::vector<codecs::uint128> hashes;
  std::vector<std::vector<std::uint32_t>> by_core;  ///< records with room, not yet handed over
  std::vector<std::uint32_t> slots;
  bool busy = false;
};

class scratch_lease {
public:
  scratch_lease() : s_(cached().busy ? own_ : cached()) { s_.busy = true; }
  ~scratch_lease() {
    // An unusually large batch should not pin its working memory in every
    // thread that once put one.
    if (s_.prepared.capacity() > large_batch) s_ = batch_scratch{};
    s_.busy = false;
  }
  scratch_lease(scratch_lease const&) = delete;
  scratch_lease& operator=(scratch_lease const&) = delete;
  batch_scratch& get() noexcept { return s_; }

private:
  static constexpr std::size_t large_batch = 65536;
  static batch_scratch& cached() {
    thread_local batch_scratch s;
    return s;
  }
  batch_scratch own_;
  batch_scratch& s_;
};

}  // namespace

void producer::impl::put_batch(std::string_view stream, std::span<batch_record const> records, batch_callback done) {
  if (records.empty()) return;
  auto* batch = new detail::batch_state{std::move(done), records.size()};
  auto id = check_stream(stream);
  if (!id) {
    // The last completion frees the batch: nothing is read after it.
    for (std::size_t i = 0; i < records.size(); ++i) batch->complete(i, id.error());
    return;
  }
  if (records.size() > std::numeric_limits<std::uint32_t>::max()) {
    for (std::size_t i = 0; i < records.size(); ++i)
      batch->complete(i, put_error(errc::rejected, "a batch holds at most 4294967295 records, got " +
                                                       std::to_string(records.size())));
    return;
  }
  scratch_lease lease;
  batch_scratch& s = lease.get();
  s.prepared.resize(records.size());
  s.accepted.clear();
  s.keys.clear();
  s.hashed.clear();
  std::uint64_t total_cost = 0;
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    auto const& r = records[i];
    prepared& p = s.prepared[i];
    p = {};
    p.stream = *id;
    if (auto ok = check_record(r.partition_key, r.data, r.options, p); !ok) {
      batch->complete(i, ok.error());
      continue;
    }
    s.accepted.push_back(i);
    total_cost += p.cost;
    if (r.options.explicit_hash_key.empty()) {
      s.keys.push_back(r.partition_key);
      s.hashed.push_back(i);
    }
  }
  s.hashes.resize(s.keys.size());
  codecs::hash_keys_of(s.keys, s.hashes.data());
  for (std::size_t k = 0; k < s.hashed.size(); ++k) s.prepared[s.hashed[k]].hash_key = s.hashes[k];
  for (auto i : s.accepted) s.prepared[i].core = detail::core_of(s.prepared[i].hash_key, cores.size());

  s.by_core.resize(cores.size());
  for (auto& c : s.by_core) c.clear();
  auto const deadline = clock::now() + shared.config.record_ttl;
  auto hand_over = [&] {
    for (std::size_t c = 0; c < s.by_core.size(); ++c)
      if (!s.by_core[c].empty()) hand_over_part(c, s.by_core[c], s.prepared, s.slots, deadline, batch);
  };
  auto take = [&](std::uint32_t i) {
    prepared& p = s.prepared[i];
    // Tickets in the batch's order, once room is taken: a record refused
    // for room must not hold its source's checkpoint back.
    if (p.source) p.ticket = shared.checkpoints.add(p.source->id, p.offset);
    s.by_core[p.core].push_back(i);
  };
  auto& bp = shared.bp;
  if (bp.try_acquire_many(s.accepted.size(), total_cost)) {
    for (auto i : s.accepted) take(i);
  } else {
    for (auto i : s.accepted) {
      prepared const& p = s.prepared[i];
      if (!bp.try_acquire(p.cost)) {
        if (shared.config.backpressure == backpressure_mode::fail || cores.current_core()) {
          batch->complete(i, limit_error());
          continue;
        }
        // What holds room goes to the cores first: only they free room.
        hand_over();
        if (!bp.acquire_blocking(p.cost)) {
          batch->complete(i, put_error(errc::producer_closed));
          continue;
        }
      }
      take(i);
    }
  }
  hand_over();
}

void producer::impl::hand_over_part(std::size_t core, std::vector<std::uint32_t>& part, std::vector<prepared>& batch_records,
                                    std::vector<std::uint32_t>& slots, clock::time_point deadline, detail::batch_state* batch) {
  auto& pipeline = *pipelines[core];
  auto pushed = pipeline.intake().push_many(part.size(), slots, [&](std::size_t k, detail::user_record& u) {
    std::uint32_t i = part[k];
    prepared const& p = batch_records[i];
    fill(u, p, deadline, 0, {});
    u.done.callback = [batch, index = std::size_t{i}](put_outcome o) { batch->complete(index, o); };
    u.ticket = p.ticket;
  });
  if (pushed.wake) cores.post(core, [&pipeline] { pipeline.drain(); });
  // Only an allocation failing while a slot was filled stops short: those
  // records are answered here, their room and checkpoints given back.
  for (std::size_t k = pushed.filled; k < part.size(); ++k) {
    prepared const& p = batch_records[part[k]];
    if (p.ticket.valid()) shared.checkpoints.fail(p.ticket);
    shared.bp.release(p.cost);
    batch->complete(part[k], put_error(errc::rejected, "out of memory while handing the record over"));
  }
  part.clear();
}

producer::producer(producer_config config, engine::aws::environment const& env)
    : impl_(std::make_unique<impl>(std::move(config), env)) {}

producer::~producer() {
  if (impl_) impl_->close();
}

asio::awaitable<put_outcome> producer::put(std::string_view stream, std::string_view partition_key,
                                           std::string_view data, put_options options) {
  impl::prepared p;
  if (auto r = impl_->prepare(stream, partition_key, data, options, p); !r) co_return r.error();
  auto& bp = impl_->shared.bp;
  if (!bp.try_acquire(p.cost)) {
    if (impl_->shared.config.backpressure == backpressure_mode::fail) co_return impl_->limit_error();
    auto [ec] = co_await bp.async_acquire(p.cost, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return put_error(errc::producer_closed);
  }
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(put_outcome)>(
      [this, &p](auto handler) {
        detail::completion c;
        c.executor = asio::get_associated_executor(handler);
        c.handler.emplace(std::move(handler));
        impl_->submit(p, std::move(c));
      },
      asio::use_awaitable);
}

asio::awaitable<put_outcome> producer::put(std::string_view stream, record_key const& key, std::string_view data,
                                           put_options options) {
  if (!key.explicit_hash_key.empty()) options.explicit_hash_key = key.explicit_hash_key;
  co_return co_await put(stream, key.partition_key, data, options);
}

void producer::put_async(std::string_view stream, std::string_view partition_key, std::string_view data,
                         callback done, put_options options) {
  impl::prepared p;
  if (auto r = impl_->prepare(stream, partition_key, data, options, p); !r) return done(r.error());
  auto& bp = impl_->shared.bp;
  if (!bp.try_acquire(p.cost)) {
    // A producer core must never block: it is what frees the room.
    if (impl_->shared.config.backpressure == backpressure_mode::fail || impl_->cores.current_core())
      return done(impl_->limit_error());
    if (!bp.acquire_blocking(p.cost)) return done(put_error(errc::producer_closed));
  }
  detail::completion c;
  c.callback = std::move(done);
  impl_->submit(p, std::move(c));
}

void producer::put_batch_async(std::string_view stream, std::span<batch_record const> records,
                               batch_callback done) {
  impl_->put_batch(stream, records, std::move(done));
}

std::future<put_outcome> producer::put_future(std::string_view stream, std::string_view partition_key,
                                              std::string_view data, put_options options) {
  auto promise = std::make_shared<std::promise<put_outcome>>();
  auto future = promise->get_future();
  put_async(stream, partition_key, data, [promise](put_outcome o) { promise->set_value(std::move(o)); }, options);
  return future;
}

void producer::flush() {
  for (std::size_t c = 0; c < impl_->cores.size(); ++c)
    impl_->cores.post(c, [p = impl_->pipelines[c].get()] { p->flush(); });
}

void producer::flush_sync() {
  flush();
  impl_->shared.bp.wait_idle();
}

void producer::close() { impl_->close(); }

boost::system::error_code producer::sync_spool() { return impl_->sync_spool(); }

std::uint64_t producer::outstanding() const noexcept { return impl_->shared.bp.records(); }
std::uint64_t producer::outstanding_bytes() const noexcept { return impl_->shared.bp.bytes(); }

checkpoint_source producer::source(std::string_view name) { return {impl_->shared.checkpoints.source(name)}; }

std::optional<std::uint64_t> producer::checkpoint(checkpoint_source source) const {
  return impl_->shared.checkpoints.checkpoint(source.id);
}

metrics_snapshot producer::metrics() const { return impl_->snapshot(); }

std::string producer::prometheus_text() const { return to_prometheus(impl_->snapshot()); }

void producer::on_metrics(std::function<void(metrics_snapshot const&)> fn) {
  std::lock_guard lock(impl_->metrics_mutex);
  impl_->metrics_fn = std::move(fn);
  if (!impl_->metrics_started) {
    impl_->metrics_started = true;
    impl_->cores.spawn(0, [this] { return impl_->metrics_loop(); });
  }
}

producer_config const& producer::config() const noexcept { return impl_->shared.config; }
std::string const& producer::producer_id() const noexcept { return impl_->shared.producer_id; }

}  // namespace kinesys::producer
