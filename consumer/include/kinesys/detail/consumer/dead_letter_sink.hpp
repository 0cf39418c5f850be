#pragma once
// Where dead letters go: an NDJSON file (appended through io_uring, fsynced
// before the write completes: a dead-lettered record leaves the stream's
// retention only through the checkpoint, so its letter must be on disk
// first) and/or a Kinesis stream (the same JSON as record data, keyed by the
// original partition key). The sink lives on one core; shard workers on
// other cores reach it with co_spawn onto its executor.
#include <kinesys/detail/consumer/dead_letter.hpp>

#include <kinesys/detail/engine/append_file.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <filesystem>
#include <optional>
#include <string>

namespace kinesys::consumer {

/// @locality owning core (the executor given to open())
class dead_letter_sink {
public:
  /// Opens the file (if `file` is not empty); `kinesis` (may be null) and
  /// `stream` (may be empty) name the stream destination.
  static boost::system::result<dead_letter_sink> open(boost::asio::any_io_executor ex, std::filesystem::path const& file,
                                                      engine::aws::kinesis_client* kinesis, std::string stream);

  /// Writes to every configured destination; the first failure is returned
  /// (the caller retries: a record is not finished until its letter lands).
  boost::asio::awaitable<boost::system::error_code> write(dead_letter const& d);
  boost::asio::awaitable<void> close();

  boost::asio::any_io_executor executor() const { return ex_; }
  std::uint64_t written() const noexcept { return written_; }

private:
  dead_letter_sink(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  boost::asio::any_io_executor ex_;
  std::optional<engine::append_file> file_;
  engine::aws::kinesis_client* kinesis_ = nullptr;
  std::string stream_;
  std::uint64_t written_ = 0;
};

}  // namespace kinesys::consumer
