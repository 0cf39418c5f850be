#pragma once
// The records a core holds: user records (what put was given) and Kinesis
// records (what goes into PutRecords: one aggregated blob, or one user
// record's data). Both live in pools of slots that are reused: a slot's
// strings keep their capacity, so in steady state nothing is allocated per
// record. Slots are named by 32-bit indices; chains (a Kinesis record's user
// records, a key's held records, a shard's queue) link indices.
#include "checkpoint_tracker.hpp"
#include "ordering_tracker.hpp"

#include "kinesys/detail/producer/put_result.hpp"

#include <kinesys/codecs.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <algorithm>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::producer::detail {

using clock = std::chrono::steady_clock;

/// A slot whose data outgrew this gives the memory back when the record is
/// done, instead of pinning it for the next (typically small) record.
inline constexpr std::size_t huge_record_bytes = 64 * 1024;

/// Where a put's outcome goes: a callback run on the owning core (the
/// thread entry), or an asio handler run on its own executor (the
/// coroutine entry).
struct completion {
  using handler_type = boost::asio::any_completion_handler<void(put_outcome)>;

  std::function<void(put_outcome)> callback;
  // Optional and moved only by construction: Boost 1.81's
  // any_completion_handler::operator= wraps its argument in a new handler
  // (and dereferences an empty one), so it is never assigned.
  std::optional<handler_type> handler;
  boost::asio::any_io_executor executor;

  completion() = default;
  completion(completion&& o) noexcept { *this = std::move(o); }
  completion& operator=(completion&& o) noexcept {
    callback = std::move(o.callback);
    o.callback = nullptr;
    handler.reset();
    if (o.handler) handler.emplace(std::move(*o.handler));
    o.handler.reset();
    executor = std::move(o.executor);
    o.executor = {};
    return *this;
  }

  /// Delivers `outcome` and leaves the completion empty. By reference:
  /// the records of one Kinesis record share one outcome but for their
  /// sub-sequence, and copying it per step costs more than the rest of a
  /// record's completion.
  void complete(put_outcome const& outcome);
};

/// A user record's slot, laid out by when the core reads it. A record goes
/// cold between its visits (taken over, aggregated — at once if its key is
/// free, else when the key's earlier Kinesis record is answered — and
/// answered), and each visit pays a cache miss per line it touches: taking
/// over reads line 0, aggregation lines 0–1 (and line 4 only when `rare`
/// says so), completion lines 0 and 2–3.
struct alignas(64) user_record {
  // Line 0: read on every visit.
  std::uint16_t stream = 0;  ///< index into the producer's stream registry (≤ 1024 streams)
  /// explicit_hash_key or stamp_origin_text is set (line 4 needs reading).
  bool rare = false;
  std::uint32_t krec = no_index;
  /// The bytes back-pressure took for this record (given back on completion):
  /// at most a 1 MiB record with its keys.
  std::uint32_t bytes = 0;
  /// Stamp (ProducerId, sequence): `stamp_origin` indexes the core's table
  /// of producer ids (records recovered from a spool keep the id they were
  /// first sent under).
  std::uint32_t stamp_origin = 0;
  codecs::uint128 hash_key = 0;
  /// Arrival + RecordTtl: the arrival is this less RecordTtl (arrival_of).
  clock::time_point deadline{};
  std::uint64_t stamp = 0;
  /// When the core took it over (its count of records so far): a flush
  /// covers the records taken before it.
  std::uint64_t taken = 0;
  std::uint64_t spool_id = 0;  ///< 0: not spooled

  // Line 1: what aggregation copies.
  std::string partition_key;
  std::string data;

  // Lines 2–3: what completion calls.
  completion done;
  checkpoint_ticket ticket;

  // Line 4: rarely set; aggregation reads it only when `rare` says so.
  std::string explicit_hash_key;  ///< empty: none
  /// Set for records recovered from a spool: the "<ProducerId>[.<core>]"
  /// their stamp was issued under (empty: this producer core's own).
  std::string stamp_origin_text;
};

static_assert(sizeof(user_record) == 5 * 64, "user_record: line 0 holds what every visit reads");

/// One Kinesis record in the making or in flight.
struct kinesis_rec {
  std::uint32_t stream = 0;
  std::uint32_t shard = 0;  ///< index into the stream's shard states
  std::uint64_t map_version = 0;  ///< the shard map its shard was predicted with
  bool aggregated = false;
  /// An aggregate whose MD5 trailer is still to be appended: digests are
  /// computed when a request is built, several side by side.
  bool digest_pending = false;
  std::string blob;  ///< the record's data as sent
  std::string partition_key;
  std::string explicit_hash_key;
  /// Its user records in order. An array, not a chain through the link
  /// array: walking a chain of cold records is one miss after another.
  std::vector<std::uint32_t> users;
  std::uint32_t count = 0;
  std::size_t bytes = 0;           ///< blob + partition key: what the limits count
  std::uint64_t user_bytes = 0;    ///< the back-pressure room its user records took
  std::uint64_t user_data_bytes = 0;  ///< its user records' data, for the metrics
  clock::time_point flush_at = clock::time_point::max();  ///< first user record's arrival + RecordMaxBufferedTime
  clock::time_point deadline = clock::time_point::max();  ///< earliest RecordTtl of its user records
  clock::time_point not_before{};  ///< retry backoff
  clock::time_point first_sent{};
  unsigned attempts = 0;
  std::string last_error;          ///< why the previous attempt failed, for the final error
  std::uint32_t next = no_index;   ///< shard queue link
};

/// Asks for the cache lines of `*p` ahead of use: records go cold between
/// the steps of their way through a core (taken over, sent, answered), and
/// waiting for memory one record at a time would dominate the core's work.
template <class T>
inline void prefetch(T const* p) noexcept {
  auto const* bytes = reinterpret_cast<char const*>(p);
  for (std::size_t line = 0; line < sizeof(T); line += 64) __builtin_prefetch(bytes + line);
}

/// Which lines of a user record a visit reads (see user_record's layout).
enum class record_visit : unsigned {
  aggregate = 0b00011,  ///< lines 0–1, and the data they point to
  complete = 0b01101,   ///< lines 0, 2, 3
};

inline void prefetch(user_record const* u, record_visit visit) noexcept {
  auto const* bytes = reinterpret_cast<char const*>(u);
  auto lines = static_cast<unsigned>(visit);
  for (unsigned line = 0; lines != 0; ++line, lines >>= 1)
    if (lines & 1) __builtin_prefetch(bytes + 64 * line);
}

/// Prefetches the user records a loop over `order` (indices into `pool`)
/// will visit: a record's lines well ahead, and for aggregation its data a
/// little less far ahead (the slot has arrived by then, and holds the
/// data's address).
template <class Pool>
class record_prefetcher {
public:
  static constexpr std::size_t slot_distance = 16;
  static constexpr std::size_t data_distance = 8;

  record_prefetcher(Pool& pool, std::vector<std::uint32_t> const& order, record_visit visit) noexcept
      : pool_(pool), order_(order), visit_(visit) {
    for (std::size_t i = 0; i < std::min(slot_distance, order.size()); ++i) prefetch(&pool_[order_[i]], visit_);
    if (visit_ == record_visit::aggregate)
      for (std::size_t i = 0; i < std::min(data_distance, order.size()); ++i) prefetch_data(i);
  }
  /// The loop is at `i`.
  void at(std::size_t i) noexcept {
    if (i + slot_distance < order_.size()) prefetch(&pool_[order_[i + slot_distance]], visit_);
    if (visit_ == record_visit::aggregate && i + data_distance < order_.size()) prefetch_data(i + data_distance);
  }

private:
  void prefetch_data(std::size_t i) noexcept {
    auto const& data = pool_[order_[i]].data;
    for (std::size_t off = 0; off < std::min<std::size_t>(data.size(), 256); off += 64)
      __builtin_prefetch(data.data() + off);
  }

  Pool& pool_;
  std::vector<std::uint32_t> const& order_;
  record_visit visit_;
};

/// A pool of T slots with a free list. @locality owning core
template <class T>
class slot_pool {
public:
  std::uint32_t acquire() {
    if (!free_.empty()) {
      std::uint32_t i = free_.back();
      free_.pop_back();
      return i;
    }
    slots_.emplace_back();
    return static_cast<std::uint32_t>(slots_.size() - 1);
  }
  void release(std::uint32_t i) { free_.push_back(i); }
  T& operator[](std::uint32_t i) noexcept { return slots_[i]; }
  std::size_t capacity() const noexcept { return slots_.size(); }
  std::size_t in_use() const noexcept { return slots_.size() - free_.size(); }

private:
  // A deque: growing never moves existing slots, so views into a slot's
  // strings (a PutRecords request in flight) stay valid.
  std::deque<T> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace kinesys::producer::detail
