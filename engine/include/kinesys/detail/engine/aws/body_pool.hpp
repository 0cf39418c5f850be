#pragma once
// Request bodies are built in buffers that outlive one call: a PutRecords
// body is up to ~7 MiB of JSON, and allocating (and page-faulting) that
// afresh per request costs more than writing it. Several calls of one core
// may be in flight at once, so each borrows its own buffer.
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kinesys::engine::aws {

/// @locality owning core
class body_pool {
public:
  class lease {
  public:
    lease(body_pool& pool, std::string buffer) : pool_(&pool), buffer_(std::move(buffer)) {}
    lease(lease&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)), buffer_(std::move(other.buffer_)) {}
    lease& operator=(lease&&) = delete;
    ~lease() {
      if (pool_ != nullptr) pool_->give_back(std::move(buffer_));
    }
    std::string& operator*() noexcept { return buffer_; }
    std::string* operator->() noexcept { return &buffer_; }

  private:
    body_pool* pool_;
    std::string buffer_;
  };

  /// Keeps at most `max_spare` idle buffers.
  explicit body_pool(std::size_t max_spare = 8) : max_spare_(max_spare) {}

  lease borrow() {
    if (spare_.empty()) return lease(*this, std::string());
    std::string buffer = std::move(spare_.back());
    spare_.pop_back();
    buffer.clear();
    return lease(*this, std::move(buffer));
  }

  std::size_t spare() const noexcept { return spare_.size(); }

private:
  void give_back(std::string buffer) {
    if (spare_.size() < max_spare_) spare_.push_back(std::move(buffer));
  }

  std::size_t max_spare_;
  std::vector<std::string> spare_;
};

}  // namespace kinesys::engine::aws
