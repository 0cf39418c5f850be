#pragma once
// The account-wide list of streams. Streams live on different cores, but
// ListStreams must see all of them: create and delete (control-plane calls,
// never the data path) record each stream here under a mutex.
#include "kinesis/stream.hpp"

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kinesys::local::kinesis {

struct catalog_entry {
  std::int64_t epoch_ms = 0;
  stream_mode mode = stream_mode::provisioned;
};

/// @locality any thread
class stream_catalog {
public:
  void set(std::string const& name, catalog_entry e)
  {
    std::lock_guard lock(mutex_);
    entries_[name] = e;
  }
  void remove(std::string const& name)
  {
    std::lock_guard lock(mutex_);
    entries_.erase(name);
  }
  /// Sorted by name.
  std::vector<std::pair<std::string, catalog_entry>> snapshot() const
  {
    std::lock_guard lock(mutex_);
    return {entries_.begin(), entries_.end()};
  }

private:
  mutable std::mutex mutex_;
  std::map<std::string, catalog_entry> entries_;
};

}  // namespace kinesys::local::kinesis
