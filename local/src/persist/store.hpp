#pragma once
// Persistence of kinesys-local under --data-dir:
//
//   <dir>/streams/s-<name>/stream.json          stream metadata (shards, lineage), replaced atomically
//   <dir>/streams/s-<name>/<shard ordinal>/<first position>.seg
//                                               append-only record frames of one shard
//   <dir>/tables/t-<name>/table.json             table definition, replaced atomically
//   <dir>/tables/t-<name>/snapshot-<gen>.snap    every item at one point (frames)
//   <dir>/tables/t-<name>/log-<gen>.log          item writes after that snapshot (frames)
//
// Every change is encoded as a frame while the operation runs (the models
// call the observers), then commit() writes the core's pending frames with
// the engine's io_uring append_file before the answer goes out, so every
// acknowledged write is in the file (and on stable storage when the fsync
// policy says so). A restart replays snapshot, logs and segments; a torn
// tail is cut at the last intact frame. Retention and the memory cap drop
// whole segments once the model has trimmed all their records; a table log
// past its size limit is folded into a new snapshot.
#include <kinesys/detail/local/dispatcher.hpp>
#include <kinesys/detail/local/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <memory>
#include <vector>

namespace kinesys::local::persist {

class core_journal;

class store {
public:
  /// Replays `options.data_dir` into `model` and attaches a journal to each
  /// core. `executors[i]` is core i's executor (files are opened on it).
  static boost::system::result<std::unique_ptr<store>> open(persistence_options const& options, dispatcher& model,
                                                             std::vector<boost::asio::any_io_executor> executors);
  ~store();

  /// Writes what the core's operations since the last commit produced.
  /// @locality owning core
  boost::asio::awaitable<boost::system::error_code> commit(std::size_t core);
  /// Drops segments retention has emptied; compacts large table logs.
  /// @locality owning core
  boost::asio::awaitable<void> housekeeping(std::size_t core);
  /// Flushes and closes the core's files. @locality owning core
  boost::asio::awaitable<void> close(std::size_t core);

  /// What the replay found, for the startup log line.
  struct replay_stats {
    std::size_t streams = 0, records = 0, tables = 0, items = 0, torn_tails = 0;
  };
  replay_stats const& stats() const noexcept { return stats_; }

private:
  store() = default;
  std::vector<std::unique_ptr<core_journal>> journals_;
  replay_stats stats_;
};

}  // namespace kinesys::local::persist
