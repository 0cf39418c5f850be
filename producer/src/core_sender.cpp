// Sending on the owning core: PutRecords requests, their per-entry results,
// retries of only the failed entries, completion of user records, and the
// shard map (ListShards) behind shard prediction.
#include "core_pipeline.hpp"

#include "spool.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>

namespace kinesys::producer::detail {

namespace asio = boost::asio;

namespace {

std::uint64_t millis(clock::duration d) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(d).count()));
}

bool is_access_denied(engine::aws::aws_error const& e) {
  static constexpr std::string_view codes[] = {
      "AccessDeniedException",      "UnrecognizedClientException", "InvalidSignatureException",
      "IncompleteSignature",        "MissingAuthenticationToken",  "ExpiredTokenException",
      "InvalidClientTokenId",       "SignatureDoesNotMatch",       "KMSAccessDeniedException",
  };
  if (e.http_status == 403) return true;
  return std::find(std::begin(codes), std::end(codes), e.code) != std::end(codes);
}

// The code ErrorsByCode counts a failed call under.
std::string_view metric_code(engine::aws::aws_error const& e) {
  if (!e.code.empty()) return e.code;
  if (e.error == engine::errc::request_timeout || e.error == engine::errc::connect_timeout ||
      e.error == engine::errc::deadline_exceeded)
    return "RequestTimeout";
  return "ConnectionError";
}

}  // namespace

bool core_pipeline::send(stream_state& st) {
  if (st.batch.empty()) return true;
  if (requests_in_flight_ >= max_requests_) return false;
  std::unique_ptr<request_slot> slot;
  if (free_slots_.empty()) {
    slot = std::make_unique<request_slot>();
  } else {
    slot = std::move(free_slots_.back());
    free_slots_.pop_back();
  }
  st.batch.take(slot->krecs);
  ++requests_in_flight_;
  ++st.requests_in_flight;
  asio::co_spawn(io_, send_request(st.id, std::move(slot)), report_coroutine_failure);
  return true;
}

asio::awaitable<void> core_pipeline::send_request(std::uint32_t sid, std::unique_ptr<request_slot> slot) {
  stream_state& st = *streams_[sid];
  auto started = clock::now();
  // Digests first: appending one may move a blob the entries point into.
  digest_batch_.clear();
  for (std::uint32_t k : slot->krecs) {
    kinesis_rec& kr = krecs_[k];
    if (!kr.digest_pending) continue;
    kr.digest_pending = false;
    digest_batch_.push_back(&kr.blob);
  }
  codecs::aggregator::append_digests(digest_batch_);
  slot->entries.clear();
  for (std::uint32_t k : slot->krecs) {
    kinesis_rec& kr = krecs_[k];
    if (kr.attempts == 0) {
      kr.first_sent = started;
      metrics_.buffering(millis(started - (kr.flush_at - config_.record_max_buffered_time)));
    } else {
      metrics_.retries.add(kr.count);
    }
    ++kr.attempts;
    slot->entries.push_back({kr.blob, kr.partition_key, kr.explicit_hash_key});
  }
  slot->request.stream = st.ref;
  slot->request.records = slot->entries;
  metrics_.put_records_requests.add();

  auto r = co_await data_client_->put_records(slot->request, slot->result);

  auto done = clock::now();
  metrics_.request(millis(done - started));
  --requests_in_flight_;
  --st.requests_in_flight;
  on_response(st, *slot, r, done);
  refeed_released(done);
  free_slots_.push_back(std::move(slot));
  if (flushing_) flush_buffered();
  pump_all(done);
}

void core_pipeline::on_response(stream_state& st, request_slot& slot, engine::aws::aws_result<void> const& r,
                                clock::time_point now) {
  if (!r) {
    auto const& e = r.error();
    metrics_.error(metric_code(e));
    if (e.is("ResourceNotFoundException")) {
      st.status = stream_status::missing;
      st.missing_code = errc::stream_not_found;
      st.missing_reason = "stream \"" + st.name + "\" not found: " + e.message;
      st.refresh.finished(now);
      for (std::uint32_t k : slot.krecs) {
        landed(k);
        fail_krec(k, {errc::stream_not_found, st.missing_reason});
      }
      fail_stream(st, {errc::stream_not_found, st.missing_reason});
      return;
    }
    bool denied = is_access_denied(e);
    bool retryable = !denied && (e.kind == engine::failure_class::throttling ||
                                 e.kind == engine::failure_class::transient);
    for (std::uint32_t k : slot.krecs) {
      landed(k);
      if (retryable) retry_krec(k, e.kind, e.describe(), now);
      else fail_krec(k, {denied ? errc::access_denied : errc::rejected, e.describe()});
    }
    if (e.throttled())
      for (auto& sh : st.shards)
        if (sh->limiter) sh->limiter->on_throttled();
    return;
  }

  auto& results = slot.result.records;
  if (results.size() != slot.krecs.size()) {
    // Entries are matched to results by position; a short answer cannot be
    // matched, so every entry is tried again.
    for (std::uint32_t k : slot.krecs) {
      landed(k);
      retry_krec(k, engine::failure_class::transient, "PutRecords answered with the wrong number of entries", now);
    }
    return;
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    std::uint32_t k = slot.krecs[i];
    auto const& entry = results[i];
    kinesis_rec& kr = krecs_[k];
    shard_state& sh = *st.shards[kr.shard];
    landed(k);
    if (entry.ok()) {
      if (!sh.shard_id.empty()) st.refresh.note_landed(sh.shard_id, entry.shard_id);
      if (kr.aggregated && kr.count > 1 && !sh.shard_id.empty() && sh.shard_id != entry.shard_id) {
        misplaced(st, k, now);
        continue;
      }
      if (sh.limiter) sh.limiter->on_accepted();
      complete_krec(k, entry.shard_id, entry.sequence_number);
      continue;
    }
    metrics_.error(entry.error_code);
    std::string reason = entry.error_code + ": " + entry.error_message;
    if (entry.error_code == "ProvisionedThroughputExceededException") {
      metrics_.throttled.add();
      if (sh.limiter) sh.limiter->on_throttled();
      if (config_.fail_if_throttled) fail_krec(k, {errc::throttled, "throttled (FailIfThrottled): " + reason});
      else retry_krec(k, engine::failure_class::throttling, reason, now);
    } else if (entry.error_code == "InternalFailure" || entry.error_code == "ServiceUnavailable" ||
               entry.error_code == "KMSThrottlingException") {
      retry_krec(k, engine::failure_class::transient, reason, now);
    } else {
      fail_krec(k, {entry.error_code.find("AccessDenied") != std::string::npos ? errc::access_denied : errc::rejected,
                    reason});
    }
  }
}

void core_pipeline::landed(std::uint32_t k) {
  kinesis_rec& kr = krecs_[k];
  shard_state& sh = *streams_[kr.stream]->shards[kr.shard];
  if (sh.in_flight > 0) --sh.in_flight;
}

void core_pipeline::retry_krec(std::uint32_t k, engine::failure_class c, std::string_view reason,
                               clock::time_point now) {
  kinesis_rec& kr = krecs_[k];
  kr.last_error.assign(reason);
  if (now >= kr.deadline) return fail_krec(k, ttl_error(kr));
  kr.not_before = now + retry_.backoff(kr.attempts, c);
  // To the front: it is older than anything queued behind it.
  enqueue(*streams_[kr.stream]->shards[kr.shard], k, true);
}

// An aggregate predicted with a stale map landed on another shard (a
// reshard happened): its user records whose hash keys belong elsewhere are
// now on the wrong shard, where a consumer that filters sub-records by the
// shard's hash range (the KCL, kinesys) drops them. As the KPL does, the
// user records are sent again, routed by a fresh map, ahead of their keys'
// later records; those that were on the right shard come twice and are
// dropped as duplicates by their stamp.
void core_pipeline::misplaced(stream_state& st, std::uint32_t k, clock::time_point now) {
  kinesis_rec& kr = krecs_[k];
  metrics_.error("WrongShard");
  // Routing them again may reuse this Kinesis record's slot.
  std::vector<std::uint32_t> users = kr.users;
  auto const map_version = kr.map_version;
  // Free the keys first so the records can be routed again; their held
  // successors go to refeed_, which runs after these records are routed.
  for (std::uint32_t r : users) {
    intake_[r].krec = no_index;
    if (config_.preserve_key_order)
      tracker_.release(key_of(intake_[r]), k, [this](std::uint32_t held) { refeed_.push_back(held); });
  }
  krecs_.release(k);
  if (map_version < st.map_version) {
    // A fresher map is already here: route again at once, in order.
    for (std::uint32_t r : users) route(r, now);
    return;
  }
  if (users.empty()) return;
  // Park them ahead of everything parked (they are older than any parked
  // record of their keys) until the map is read again.
  for (std::size_t i = 0; i + 1 < users.size(); ++i) links_[users[i]] = users[i + 1];
  links_[users.back()] = st.pending_head;
  st.pending_head = users.front();
  if (st.pending_tail == no_index) st.pending_tail = users.back();
  st.status = stream_status::loading;
  st.refresh.request();
  if (st.refresh.start(now)) asio::co_spawn(io_, load_map(st.id), report_coroutine_failure);
}

void core_pipeline::complete_krec(std::uint32_t k, std::string_view shard_id, std::string_view sequence_number) {
  kinesis_rec& kr = krecs_[k];
  metrics_.kinesis_records_put.add();
  metrics_.kinesis_records_data_put.add(kr.blob.size());
  bool ordered = config_.preserve_key_order;
  backpressure::delivery_scope delivering(shared_.bp);
  put_outcome outcome{put_result{}};
  outcome->shard_id.assign(shard_id);
  outcome->sequence_number.assign(sequence_number);
  outcome->attempts = kr.attempts;
  // The room goes back before any outcome is heard (see finish_user), for
  // all of the Kinesis record's user records at once.
  shared_.bp.release(kr.users.size(), kr.user_bytes);
  // Counted per Kinesis record: completion does not read the data's line.
  metrics_.user_records_put.add(kr.users.size());
  metrics_.user_records_data_put.add(kr.user_data_bytes);
  record_prefetcher ahead(intake_, kr.users, record_visit::complete);
  std::uint64_t sub = 0;
  for (std::size_t i = 0; i < kr.users.size(); ++i) {
    ahead.at(i);
    std::uint32_t r = kr.users[i];
    user_record& u = intake_[r];
    codecs::uint128 key = key_of(u);
    outcome->sub_sequence = kr.aggregated ? sub : 0;
    finish_user(r, outcome, room::given_back);
    if (ordered) tracker_.release(key, k, [this](std::uint32_t held) { refeed_.push_back(held); });
    ++sub;
  }
  krecs_.release(k);
}

void core_pipeline::fail_krec(std::uint32_t k, put_error const& error) {
  kinesis_rec& kr = krecs_[k];
  bool ordered = config_.preserve_key_order;
  backpressure::delivery_scope delivering(shared_.bp);
  shared_.bp.release(kr.users.size(), kr.user_bytes);
  for (std::uint32_t r : kr.users) {
    codecs::uint128 key = key_of(intake_[r]);
    fail_user(r, error, room::given_back);
    // Later records of the key go on: this one is reported, not lost.
    if (ordered) tracker_.release(key, k, [this](std::uint32_t held) { refeed_.push_back(held); });
  }
  krecs_.release(k);
}

void core_pipeline::finish_user(std::uint32_t r, put_outcome const& outcome, room given) {
  user_record& u = intake_[r];
  if (u.ticket.valid()) {
    if (outcome) shared_.checkpoints.acknowledge(u.ticket);
    else shared_.checkpoints.fail(u.ticket);
    u.ticket = {};
  }
  if (spool_ && u.spool_id) spool_->acknowledge(u.spool_id);
  std::uint64_t bytes = u.bytes;
  if (flushing_ && u.taken <= flush_until_ && --flush_remaining_ == 0) flushing_ = false;
  u.krec = no_index;
  u.stamp = 0;
  u.spool_id = 0;
  // The room goes back before the application hears the outcome, so a put
  // made from its callback (with BackpressureMode=fail, say) finds it; the
  // caller's delivery_scope keeps wait_idle() waiting for the callback.
  if (given == room::give_back) shared_.bp.release(bytes);
  u.done.complete(outcome);
  // A slot that once held a huge record should not pin that memory. (Only
  // a big record grows a slot's data: `bytes` says so from line 0, and the
  // data's line is not read for the others.)
  if (u.bytes > huge_record_bytes && u.data.capacity() > huge_record_bytes) std::string().swap(u.data);
  finished_slots_.push_back(r);
  --held_;
}

void core_pipeline::fail_user(std::uint32_t r, put_error const& error, room given) {
  backpressure::delivery_scope delivering(shared_.bp);
  metrics_.user_records_failed.add();
  if (error == errc::ttl_expired) metrics_.user_records_expired.add();
  finish_user(r, error, given);
}

void core_pipeline::refeed_released(clock::time_point now) {
  while (!refeed_.empty()) {
    refeed_work_.clear();
    refeed_work_.swap(refeed_);
    // A held record waited for its key's earlier one to be answered: it
    // is cold by now, like the records that answer released, and so is
    // its data, which aggregation copies.
    record_prefetcher ahead(intake_, refeed_work_, record_visit::aggregate);
    for (std::size_t i = 0; i < refeed_work_.size(); ++i) {
      ahead.at(i);
      route(refeed_work_[i], now);
    }
  }
  metrics_.held.set(tracker_.held_records());
}

asio::awaitable<void> core_pipeline::load_map(std::uint32_t sid) {
  stream_state& st = *streams_[sid];
  auto r = co_await control_client_->list_all_shards(st.ref);
  on_map(st, std::move(r), clock::now());
  refeed_released(clock::now());
}

void core_pipeline::on_map(stream_state& st, engine::aws::aws_result<std::vector<engine::aws::shard>> r,
                           clock::time_point now) {
  st.refresh.finished(now);
  if (!r) {
    auto const& e = r.error();
    metrics_.error(metric_code(e));
    bool missing = e.is("ResourceNotFoundException");
    if (missing || is_access_denied(e)) {
      st.status = stream_status::missing;
      st.missing_code = missing ? errc::stream_not_found : errc::access_denied;
      st.missing_reason = missing ? "stream \"" + st.name + "\" not found: " + e.message
                                  : "access to stream \"" + st.name + "\" denied: " + e.describe();
      fail_stream(st, {st.missing_code, st.missing_reason});
      return;
    }
    // Transient: keep the map we have (if any) and try again later; parked
    // records wait, bounded by their RecordTtl.
    st.last_map_error = e.describe();
    st.refresh.request();
    return;
  }
  metrics_.shard_map_refreshes.add();
  std::vector<shard_range> ranges;
  ranges.reserve(r->size());
  for (auto const& s : *r) ranges.push_back({s.shard_id, s.hash_key_range, s.open()});
  shard_map m(std::move(ranges));

  std::vector<std::uint32_t> of_map(m.size(), no_index);
  std::vector<bool> kept(st.shards.size(), false);
  for (std::size_t i = 0; i < m.size(); ++i) {
    double share = m.share_of(i, slice_.lo, slice_.hi);
    if (share <= 0.0) continue;  // another core feeds it
    for (std::uint32_t j = 0; j < st.shards.size(); ++j)
      if (!st.shards[j]->retired && st.shards[j]->shard_id == m[i].shard_id) of_map[i] = j;
    if (of_map[i] == no_index) {
      auto sh = std::make_unique<shard_state>();
      sh->shard_id = m[i].shard_id;
      sh->aggregator.emplace(codecs::aggregator::limits{aggregate_limit_, config_.aggregation_max_count});
      sh->limiter.emplace(static_cast<double>(config_.rate_limit), share);
      of_map[i] = static_cast<std::uint32_t>(st.shards.size());
      st.shards.push_back(std::move(sh));
      kept.push_back(true);
    }
    kept[of_map[i]] = true;
  }
  for (std::uint32_t j = 0; j < st.shards.size(); ++j) {
    if (kept[j] || j == st.unpredicted || st.shards[j]->retired) continue;
    // Closed by a reshard: send what it holds (the service routes by hash
    // key to the children) and route new records elsewhere.
    st.shards[j]->retired = true;
    seal(st, j);
  }
  if (st.unpredicted != no_index) seal(st, st.unpredicted);
  st.map = std::move(m);
  ++st.map_version;
  st.shard_of_map = std::move(of_map);
  st.status = stream_status::ready;

  std::uint32_t p = st.pending_head;
  st.pending_head = st.pending_tail = no_index;
  while (p != no_index) {
    std::uint32_t next = links_[p];
    route(p, now);
    p = next;
  }
  if (st.flush_requested)
    for (std::uint32_t s = 0; s < st.shards.size(); ++s) seal(st, s);
  pump(st, now, st.flush_requested);
  st.flush_requested = false;
}

void core_pipeline::fail_stream(stream_state& st, put_error const& error) {
  // A stream that is gone is never pumped again (it is not ready): what
  // this core collected, queued or is aggregating for it would wait
  // forever, and close() with it. Every such record fails with the reason.
  std::vector<std::uint32_t> collected;
  st.batch.take(collected);
  for (std::uint32_t k : collected) {
    landed(k);
    fail_krec(k, error);
  }
  for (auto& shp : st.shards) {
    shard_state& sh = *shp;
    while (sh.queue_head != no_index) {
      std::uint32_t k = sh.queue_head;
      sh.queue_head = krecs_[k].next;
      krecs_[k].next = no_index;
      --sh.queued;
      fail_krec(k, error);
    }
    sh.queue_tail = no_index;
    if (sh.open != no_index) {
      std::uint32_t k = sh.open;
      sh.open = no_index;
      if (sh.aggregator) sh.aggregator->reset();
      fail_krec(k, error);
    }
  }
  fail_pending(st, error);
}

void core_pipeline::fail_pending(stream_state& st, put_error const& error) {
  std::uint32_t p = st.pending_head;
  st.pending_head = st.pending_tail = no_index;
  while (p != no_index) {
    std::uint32_t next = links_[p];
    fail_user(p, error);
    p = next;
  }
}

void core_pipeline::expire_pending(stream_state& st, clock::time_point now) {
  std::uint32_t p = st.pending_head;
  st.pending_head = st.pending_tail = no_index;
  while (p != no_index) {
    std::uint32_t next = links_[p];
    if (now >= intake_[p].deadline) {
      fail_user(p, {errc::ttl_expired, "record expired after RecordTtl (" + std::to_string(config_.record_ttl.count()) +
                                           " ms) while the shard map of \"" + st.name + "\" could not be read" +
                                           (st.last_map_error.empty() ? "" : ": " + st.last_map_error)});
    } else {
      links_[p] = no_index;
      if (st.pending_tail == no_index) st.pending_head = p;
      else links_[st.pending_tail] = p;
      st.pending_tail = p;
    }
    p = next;
  }
}

}  // namespace kinesys::producer::detail
