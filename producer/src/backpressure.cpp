#include "backpressure.hpp"

#include <boost/asio/error.hpp>

#include <vector>

namespace kinesys::producer::detail {

bool backpressure::try_acquire(std::uint64_t bytes) noexcept {
  // seq_cst pairs with release(): either a releaser sees waiting_ > 0, or a
  // waiter's retry after raising waiting_ sees the released room.
  std::uint64_t r = records_.fetch_add(1);
  std::uint64_t b = bytes_.fetch_add(bytes);
  if (r == 0 || (r < max_records_ && b + bytes <= max_bytes_)) return true;
  records_.fetch_sub(1);
  bytes_.fetch_sub(bytes);
  return false;
}

bool backpressure::try_acquire_many(std::uint64_t records, std::uint64_t bytes) noexcept {
  std::uint64_t r = records_.fetch_add(records);
  std::uint64_t b = bytes_.fetch_add(bytes);
  if (r + records <= max_records_ && b + bytes <= max_bytes_) return true;
  records_.fetch_sub(records);
  bytes_.fetch_sub(bytes);
  return false;
}

bool backpressure::acquire_blocking(std::uint64_t bytes) {
  if (try_acquire(bytes)) return true;
  std::unique_lock lock(mutex_);
  waiting_.fetch_add(1);
  bool got = false;
  cv_.wait(lock, [&] { return closed_ || (got = try_acquire(bytes)); });
  waiting_.fetch_sub(1);
  return got;
}

void backpressure::waiter::complete(boost::system::error_code ec) {
  boost::asio::post(ex, [h = std::move(done), ec]() mutable { std::move(h)(ec); });
}

void backpressure::enqueue(waiter w) {
  if (try_acquire(w.bytes)) return w.complete({});
  std::unique_lock lock(mutex_);
  waiting_.fetch_add(1);
  if (!closed_ && waiters_.empty() && try_acquire(w.bytes)) {
    waiting_.fetch_sub(1);
    lock.unlock();
    return w.complete({});
  }
  if (closed_) {
    waiting_.fetch_sub(1);
    lock.unlock();
    return w.complete(boost::asio::error::operation_aborted);
  }
  waiters_.push_back(std::move(w));
}

void backpressure::release(std::uint64_t records, std::uint64_t bytes) noexcept {
  if (records == 0) return;
  std::uint64_t before = records_.fetch_sub(records);
  std::uint64_t bytes_before = bytes_.fetch_sub(bytes);
  // Every release at or below both resume levels wakes (not only the one
  // crossing them), so a waiter that registered late is not missed.
  if (waiting_.load() > 0 && before - records <= resume_records_ && bytes_before - bytes <= resume_bytes_) wake();
  if (before == records && idle_waiters_.load() > 0) {
    // Taking the lock orders this notify after the waiter's check.
    std::lock_guard lock(mutex_);
    cv_.notify_all();
  }
}

void backpressure::end_delivery() noexcept {
  if (delivering_.fetch_sub(1) == 1 && records_.load() == 0 && idle_waiters_.load() > 0) {
    std::lock_guard lock(mutex_);
    cv_.notify_all();
  }
}

void backpressure::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_waiters_.fetch_add(1);
  cv_.wait(lock, [&] { return records_.load() == 0 && delivering_.load() == 0; });
  idle_waiters_.fetch_sub(1);
}

void backpressure::wake() {
  std::vector<waiter> ready;  // not a deque: an empty one allocates nothing
  {
    std::lock_guard lock(mutex_);
    while (!waiters_.empty() && try_acquire(waiters_.front().bytes)) {
      ready.push_back(std::move(waiters_.front()));
      waiters_.pop_front();
      waiting_.fetch_sub(1);
    }
  }
  cv_.notify_all();
  for (auto& w : ready) w.complete({});
}

void backpressure::close() {
  std::deque<waiter> failed;
  {
    std::lock_guard lock(mutex_);
    if (closed_ && waiters_.empty()) return;
    closed_ = true;
    failed.swap(waiters_);
    waiting_.fetch_sub(failed.size());
  }
  cv_.notify_all();
  for (auto& w : failed) w.complete(boost::asio::error::operation_aborted);
}

}  // namespace kinesys::producer::detail
