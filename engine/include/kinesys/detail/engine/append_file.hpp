#pragma once
// Durable files for the producer's spool, dead letters and kinesys-local's
// data. Writes, reads and fsync go through io_uring (one ring per core), so
// a core never blocks on the disk. Appends from many coroutines on one core
// are grouped into one write (+ one fsync): group commit.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace kinesys::engine {

enum class fsync_policy {
  /// Never fsync: data survives a process crash (kill -9: it is in the page
  /// cache) but not a power loss.
  never,
  /// fsync at most every fsync_interval when something was written; a power
  /// loss loses at most that window.
  interval,
  /// append() completes only once its bytes are on stable storage; appends
  /// that arrive during a write+fsync share the next one.
  always,
};

struct append_file_options {
  fsync_policy fsync = fsync_policy::interval;
  std::chrono::milliseconds fsync_interval{100};
};

/// @locality owning core (the executor given to open(); every call on it)
class append_file {
public:
  /// Opens `path` for appending at its end, creating it (0644) if absent.
  /// Errors are system errors (e.g. ENOENT for a missing directory) or
  /// errc::uring_unavailable.
  static boost::system::result<append_file> open(boost::asio::any_io_executor ex, std::filesystem::path const& path,
                                                 append_file_options options = {});

  append_file(append_file&&) noexcept;
  append_file& operator=(append_file&&) noexcept;
  /// Closes the descriptor; appends not yet completed are lost (call close()).
  ~append_file();

  /// Appends `bytes` (copied before the first suspension). Completes when
  /// written (fsync_policy::always: and synced). After a failed write the
  /// file is poisoned and every later call fails with that error, since what
  /// reached the disk is unknown; recover by reading and truncating.
  boost::asio::awaitable<boost::system::error_code> append(std::string_view bytes);
  /// Writes what is pending and fsyncs, whatever the policy.
  boost::asio::awaitable<boost::system::error_code> sync();
  /// The whole file, pending appends included (recovery reads this).
  boost::asio::awaitable<boost::system::result<std::string>> read_all();
  /// Cuts the file to `size` bytes (≤ size()), after pending writes, and
  /// fsyncs unless the policy is never. Clears a poisoned state.
  boost::asio::awaitable<boost::system::error_code> truncate(std::uint64_t size);
  /// Writes what is pending, fsyncs unless the policy is never, closes.
  boost::asio::awaitable<boost::system::error_code> close();

  /// Bytes in the file once pending appends are written.
  std::uint64_t size() const noexcept;
  std::filesystem::path const& path() const noexcept;
  bool is_open() const noexcept;

  struct state;

private:
  explicit append_file(std::shared_ptr<state> s) noexcept;
  std::shared_ptr<state> state_;
};

/// Sequential and positional reads through io_uring. @locality owning core
class file_reader {
public:
  static boost::system::result<file_reader> open(boost::asio::any_io_executor ex, std::filesystem::path const& path);

  file_reader(file_reader&&) noexcept;
  file_reader& operator=(file_reader&&) noexcept;
  ~file_reader();

  /// Reads up to buffer.size() bytes at `offset`; 0 means end of file.
  boost::asio::awaitable<boost::system::result<std::size_t>> read_at(std::uint64_t offset, std::span<char> buffer);
  /// Reads the next bytes after the previous read(); 0 means end of file.
  boost::asio::awaitable<boost::system::result<std::size_t>> read(std::span<char> buffer);
  /// Reads from the current position to the end.
  boost::asio::awaitable<boost::system::result<std::string>> read_rest();

  /// The file's size now (fstat).
  boost::system::result<std::uint64_t> size() const;
  std::uint64_t position() const noexcept { return position_; }

private:
  file_reader(boost::asio::any_io_executor ex, int fd) noexcept;
  boost::asio::any_io_executor ex_;
  int fd_ = -1;
  std::uint64_t position_ = 0;
};

}  // namespace kinesys::engine
