#pragma once
// One core's share of the data directory: the files of the streams and
// tables that core owns, the frames its operations produced since the last
// commit, and the housekeeping (segment retention, table compaction).
#include "dynamo/dynamo_service.hpp"
#include "kinesis/kinesis_service.hpp"

#include <kinesys/detail/engine/append_file.hpp>
#include <kinesys/detail/local/options.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace kinesys::local::persist {

/// @locality owning core
class core_journal final : public kinesis::observer, public dynamo::observer {
public:
  core_journal(persistence_options const& options, std::filesystem::path root, boost::asio::any_io_executor ex,
               kinesis::kinesis_service* kinesis, dynamo::dynamo_service* dynamo);

  // kinesis::observer
  void stream_changed(kinesis::stream const& s) override;
  void stream_deleted(std::string const& name) override;
  void record_appended(kinesis::stream const& s, kinesis::shard const& sh, kinesis::record_view const& r) override;
  // dynamo::observer
  void table_created(dynamo::table const& t) override;
  void table_changed(dynamo::table const& t) override;
  void table_deleted(std::string const& name) override;
  void item_put(dynamo::table const& t, dynamo::item_key const& k, dynamo::item const& it) override;
  void item_deleted(dynamo::table const& t, dynamo::item_key const& k) override;

  boost::asio::awaitable<boost::system::error_code> commit();
  boost::asio::awaitable<void> housekeeping();
  boost::asio::awaitable<void> close();

  // Replay registers what it found.
  void adopt_segment(std::string const& stream, std::uint32_t ordinal, std::uint64_t first, std::uint64_t last,
                     std::filesystem::path const& path, std::uint64_t size, bool active);
  void adopt_table(std::string const& name, std::uint64_t generation, std::filesystem::path const& log, std::uint64_t size);

  /// The first error a write hit (writes then stop being acknowledged).
  boost::system::error_code failed() const noexcept { return failure_; }

  static std::filesystem::path stream_dir(std::filesystem::path const& root, std::string const& name);
  static std::filesystem::path table_dir(std::filesystem::path const& root, std::string const& name);

private:
  struct pending_file {
    std::filesystem::path path;
    std::optional<engine::append_file> file;
    std::string pending;
    std::uint64_t size = 0;  // bytes handed to the file
    bool dirty = false;
    bool retired = false;    // close once what is pending is written
  };
  using file_ptr = std::shared_ptr<pending_file>;
  struct segment {
    std::uint64_t first = 0, last = 0;
    std::filesystem::path path;
  };
  struct shard_files {
    std::deque<segment> segments;  // the last one is the active one when `active` is set
    file_ptr active;
  };
  struct stream_files {
    std::map<std::uint32_t, shard_files> shards;
  };
  struct table_files {
    std::uint64_t generation = 0;
    file_ptr log;
    bool compacting = false;
  };

  file_ptr open_file(std::filesystem::path const& path);
  void mark(file_ptr const& f);
  boost::asio::awaitable<void> compact(std::string name);

  persistence_options options_;
  std::filesystem::path root_;
  boost::asio::any_io_executor ex_;
  kinesis::kinesis_service* kinesis_;
  dynamo::dynamo_service* dynamo_;
  std::unordered_map<std::string, stream_files> streams_;
  std::unordered_map<std::string, table_files> tables_;
  std::vector<file_ptr> dirty_;
  boost::system::error_code failure_;
  std::string scratch_;
};

}  // namespace kinesys::local::persist
