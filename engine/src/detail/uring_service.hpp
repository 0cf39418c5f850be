#pragma once
// One io_uring per io_context (so per core), driven from the context: the
// ring signals completions on an eventfd that the context watches, and each
// completion resumes its handler on the same thread. Only file operations go
// through it; sockets stay on Asio's reactor. Where the kernel or a seccomp
// profile (Docker's default) refuses io_uring, the same operations run as
// plain blocking syscalls, so files still work, only slower.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace kinesys::engine::detail {

/// @locality owning core (of the io_context it belongs to)
class uring_service : public boost::asio::execution_context::service {
public:
  using key_type = uring_service;
  static inline boost::asio::execution_context::id id;
  using handler_type = boost::asio::any_completion_handler<void(boost::system::error_code, std::size_t)>;

  explicit uring_service(boost::asio::execution_context& context);
  ~uring_service() override;
  uring_service(uring_service const&) = delete;
  uring_service& operator=(uring_service const&) = delete;

  /// The service of the context `ex` belongs to (created on first use).
  static uring_service& of(boost::asio::any_io_executor const& ex);

  /// False when io_uring was refused and operations run as blocking syscalls.
  bool uses_uring() const noexcept { return ring_ready_; }

  /// Completion: void(error_code, std::size_t bytes). One call, no retry of
  /// short transfers (callers loop).
  template <class Token>
  auto async_write_at(int fd, std::span<char const> data, std::uint64_t offset, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, fd, data, offset](auto h) {
          auto ex = executor_for(h);
          start(op_kind::write, fd, const_cast<char*>(data.data()), data.size(), offset, std::move(ex), handler_type(std::move(h)));
        },
        token);
  }
  template <class Token>
  auto async_read_at(int fd, std::span<char> buffer, std::uint64_t offset, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, fd, buffer, offset](auto h) {
          auto ex = executor_for(h);
          start(op_kind::read, fd, buffer.data(), buffer.size(), offset, std::move(ex), handler_type(std::move(h)));
        },
        token);
  }
  /// fdatasync when `data_only`, else fsync.
  template <class Token>
  auto async_sync(int fd, bool data_only, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, fd, data_only](auto h) {
          auto ex = executor_for(h);
          start(data_only ? op_kind::datasync : op_kind::fsync, fd, nullptr, 0, 0, std::move(ex), handler_type(std::move(h)));
        },
        token);
  }

private:
  enum class op_kind { write, read, fsync, datasync };
  struct op;

  template <class Handler>
  boost::asio::any_io_executor executor_for(Handler const& h) const {
    return boost::asio::get_associated_executor(h, home_);
  }
  void init(boost::asio::any_io_executor const& ex);
  void shutdown() override;
  void start(op_kind kind, int fd, char* data, std::size_t size, std::uint64_t offset, boost::asio::any_io_executor ex,
             handler_type handler);
  void run_blocking(op_kind kind, int fd, char* data, std::size_t size, std::uint64_t offset,
                    boost::asio::any_io_executor ex, handler_type handler);
  bool prepare(op* o);
  void arm();
  void reap();

  boost::asio::any_io_executor home_;  // an executor of the context, for completions
  bool initialised_ = false;
  io_uring ring_{};
  bool ring_ready_ = false;
  int event_fd_ = -1;
  std::optional<boost::asio::posix::stream_descriptor> event_;
  std::size_t in_flight_ = 0;
  bool armed_ = false;
};

}  // namespace kinesys::engine::detail
