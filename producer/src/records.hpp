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
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::producer::detail {

using clock = std::chrono::steady_clock;

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

  /// Delivers `outcome` and leaves the completion empty.
  void complete(put_outcome outcome);
};

struct user_record {
  std::uint32_t stream = 0;
  codecs::uint128 hash_key = 0;
  std::string partition_key;
  std::string explicit_hash_key;  ///< empty: none
  std::string data;
  clock::time_point arrival{};
  clock::time_point deadline{};  ///< arrival + RecordTtl
  completion done;
  checkpoint_ticket ticket;
  /// Stamp (ProducerId, sequence): `stamp_origin` indexes the core's table
  /// of producer ids (records recovered from a spool keep the id they were
  /// first sent under).
  std::uint64_t stamp = 0;
  std::uint32_t stamp_origin = 0;
  /// Set for records recovered from a spool: the "<ProducerId>[.<core>]"
  /// their stamp was issued under (empty: this producer core's own).
  std::string stamp_origin_text;
  std::uint64_t spool_id = 0;  ///< 0: not spooled
  /// When the core took it over (its count of records so far): a flush
  /// covers the records taken before it.
  std::uint64_t taken = 0;
  std::uint32_t krec = no_index;
  /// The bytes back-pressure took for this record (given back on completion).
  std::uint64_t bytes = 0;
};

/// One Kinesis record in the making or in flight.
struct kinesis_rec {
  std::uint32_t stream = 0;
  std::uint32_t shard = 0;  ///< index into the stream's shard states
  std::uint64_t map_version = 0;  ///< the shard map its shard was predicted with
  bool aggregated = false;
  std::string blob;  ///< the record's data as sent
  std::string partition_key;
  std::string explicit_hash_key;
  std::uint32_t first = no_index;  ///< user records, chained through the link array
  std::uint32_t last = no_index;
  std::uint32_t count = 0;
  std::size_t bytes = 0;           ///< blob + partition key: what the limits count
  clock::time_point flush_at = clock::time_point::max();  ///< first user record's arrival + RecordMaxBufferedTime
  clock::time_point deadline = clock::time_point::max();  ///< earliest RecordTtl of its user records
  clock::time_point not_before{};  ///< retry backoff
  clock::time_point first_sent{};
  unsigned attempts = 0;
  std::string last_error;          ///< why the previous attempt failed, for the final error
  std::uint32_t next = no_index;   ///< shard queue link
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
