#pragma once
// Back-pressure: a bound on records and bytes put but not yet completed.
// Without it a producer facing a throttled stream buffers until the process
// runs out of memory. Beyond either bound, put waits (a coroutine suspends,
// a plain thread blocks) or fails fast with errc::outstanding_limit.
//
// The fast path is two atomic adds; only a put that finds the bound reached
// takes the mutex and queues itself. A waiting put is woken once a sixteenth
// of both bounds is free again, not at every completion: woken for a single
// record's room, an application thread would block again at its next put,
// and the core would pay a wake-up (and the thread a sleep) per record.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>

namespace kinesys::producer::detail {

/// @locality any thread
class backpressure {
public:
  backpressure(std::uint64_t max_records, std::uint64_t max_bytes) noexcept
      : max_records_(max_records),
        max_bytes_(max_bytes),
        resume_records_(max_records - max_records / 16),
        resume_bytes_(max_bytes - max_bytes / 16) {}
  ~backpressure() { close(); }

  /// Takes room for one record of `bytes` if both bounds allow it (an empty
  /// producer always admits one record, whatever its size).
  bool try_acquire(std::uint64_t bytes) noexcept;
  /// Takes room for `records` records of `bytes` in all, if all of them fit
  /// within both bounds (nothing is taken otherwise): a batch's counters
  /// are touched once, not per record.
  bool try_acquire_many(std::uint64_t records, std::uint64_t bytes) noexcept;
  /// Waits on the calling thread until there is room or close(). True if
  /// room was taken.
  bool acquire_blocking(std::uint64_t bytes);
  /// Waits without blocking: `token` completes with no error once room was
  /// taken, or with operation_aborted after close(). Signature
  /// void(error_code); the completion runs on the token's executor.
  template <class Token>
  auto async_acquire(std::uint64_t bytes, Token&& token);

  /// Gives back the room of one completed record of `bytes`.
  void release(std::uint64_t bytes) noexcept { release(1, bytes); }
  /// Gives back the room of `records` completed records of `bytes` in all:
  /// a core gives back a Kinesis record's user records at once, touching
  /// the counters (which every put writes too) once, not per record.
  void release(std::uint64_t records, std::uint64_t bytes) noexcept;
  /// Spans the delivery of outcomes whose room was given back first (so a
  /// put from an outcome's callback finds it): wait_idle() also waits for
  /// deliveries under way. One scope covers a whole Kinesis record's user
  /// records, so the hot path pays two atomic operations per request entry,
  /// not per record.
  class delivery_scope {
  public:
    explicit delivery_scope(backpressure& bp) noexcept : bp_(bp) { bp_.delivering_.fetch_add(1); }
    ~delivery_scope() { bp_.end_delivery(); }
    delivery_scope(delivery_scope const&) = delete;
    delivery_scope& operator=(delivery_scope const&) = delete;

  private:
    backpressure& bp_;
  };
  /// Fails every waiter (and every later wait) with operation_aborted.
  void close();
  /// Blocks until no record is outstanding and every outcome was delivered.
  void wait_idle();

  std::uint64_t records() const noexcept { return records_.load(std::memory_order_relaxed); }
  std::uint64_t bytes() const noexcept { return bytes_.load(std::memory_order_relaxed); }
  std::uint64_t max_records() const noexcept { return max_records_; }
  std::uint64_t max_bytes() const noexcept { return max_bytes_; }

private:
  using handler = boost::asio::any_completion_handler<void(boost::system::error_code)>;
  struct waiter {
    std::uint64_t bytes;
    boost::asio::any_io_executor ex;  // where the completion runs
    handler done;
    void complete(boost::system::error_code ec);
  };
  void end_delivery() noexcept;
  void enqueue(waiter w);
  void wake();

  std::uint64_t const max_records_;
  std::uint64_t const max_bytes_;
  /// Waiters are woken once both counts are at or below these.
  std::uint64_t const resume_records_;
  std::uint64_t const resume_bytes_;
  // Every put writes these counters, and a core gives room back through
  // them: they get lines of their own, so neither the read-only bounds
  // above nor whatever the producer keeps next to this object (its
  // configuration, read by the cores at every record) move with them.
  alignas(64) std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> waiting_{0};
  std::atomic<std::uint64_t> idle_waiters_{0};
  std::atomic<std::uint64_t> delivering_{0};
  alignas(64) std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<waiter> waiters_;
  bool closed_ = false;
};

template <class Token>
auto backpressure::async_acquire(std::uint64_t bytes, Token&& token) {
  return boost::asio::async_initiate<Token, void(boost::system::error_code)>(
      [this, bytes](auto h) {
        boost::asio::any_io_executor ex = boost::asio::get_associated_executor(h);
        enqueue(waiter{bytes, std::move(ex), handler(std::move(h))});
      },
      token);
}

}  // namespace kinesys::producer::detail
