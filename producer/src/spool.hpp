#pragma once
// The durable spool: each core appends its records to its own log files in
// SpoolDirectory before sending them, and an acknowledgement frame once
// they completed. Writes go through the engine's io_uring append_file, one
// write at a time per core: frames that arrive while a write is in flight
// gather in a buffer and go out together (group commit). Files roll over at
// SpoolSegmentSize; a closed file whose records are all acknowledged is
// deleted (trimming).
//
// After a crash, recover_spool() reads every file left in the directory
// (cutting torn tails) and returns the records never acknowledged; the new
// producer sends them again under their original stamps, so a consumer can
// drop the copies that had landed before the crash.
#include "records.hpp"
#include "spool_format.hpp"

#include "kinesys/detail/producer/config.hpp"

#include <kinesys/engine.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kinesys::producer::detail {

/// @locality owning core
class spool {
public:
  /// Core `core` of `cores` numbers its files first_segment + core,
  /// + cores, + 2·cores, ... so the files of all cores have distinct numbers.
  spool(boost::asio::io_context& io, std::filesystem::path directory, std::size_t core, std::size_t cores,
        std::uint64_t first_segment, producer_config const& config);
  ~spool();

  /// Creates this core's first file. Call before the core runs.
  boost::system::error_code open();

  /// Appends `u` (assigning its spool id); written by the next group commit.
  void record(user_record& u, std::string_view stream, std::string_view stamp_origin);
  /// The record with this id completed (acknowledged or finally failed).
  void acknowledge(std::uint64_t spool_id);
  /// `done` runs once everything appended so far is written and synced.
  void sync(std::function<void(boost::system::error_code)> done);
  /// Writes what is pending, syncs and closes. `done` runs after.
  void close(std::function<void()> done);

  /// The last write error (the spool stops writing after one).
  boost::system::error_code error() const noexcept { return error_; }
  std::size_t live_records() const noexcept { return live_total_; }

private:
  static constexpr int segment_shift = 40;  // spool id = segment << 40 | sequence

  void kick();
  boost::asio::awaitable<void> writer();
  boost::asio::awaitable<boost::system::error_code> roll_over();
  std::filesystem::path file_name(std::uint64_t segment) const;

  boost::asio::io_context& io_;
  std::filesystem::path dir_;
  std::size_t core_;
  std::size_t cores_;
  producer_config const& config_;
  std::optional<engine::append_file> file_;
  std::uint64_t segment_ = 0;
  std::uint64_t sequence_ = 0;
  std::string pending_;   // frames not yet handed to the file
  std::string writing_;   // the buffer of the write in flight
  std::vector<std::uint64_t> acks_;
  std::map<std::uint64_t, std::size_t> live_;  // segment → records not yet acknowledged
  std::size_t live_total_ = 0;
  bool writer_running_ = false;
  std::vector<std::function<void(boost::system::error_code)>> sync_waiters_;
  std::function<void()> close_waiter_;
  bool closing_ = false;
  boost::system::error_code error_;
};

/// Records left unacknowledged in a spool directory, in file order, and the
/// files they came from (delete them once the records are spooled again).
struct spool_recovery {
  std::vector<spooled_record> records;
  std::vector<std::filesystem::path> files;
  std::size_t torn_files = 0;
  /// A segment number above every file found: new files start here.
  std::uint64_t next_segment = 1;
};

/// Reads every spool file of `directory` (creating the directory if it does
/// not exist), cuts torn tails in place, and returns what was never
/// acknowledged. Files that are not spool files are left alone. Runs before
/// the cores start (plain blocking file reads).
boost::system::result<spool_recovery> recover_spool(std::filesystem::path const& directory);

}  // namespace kinesys::producer::detail
