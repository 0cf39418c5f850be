#include "detail/uring_service.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace kinesys::engine::detail {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Enough for every core's group commit plus recovery reads at once; a full
// submission queue is flushed and retried, never an error.
constexpr unsigned ring_entries = 256;

error_code from_result(int res) { return res < 0 ? error_code(-res, boost::system::system_category()) : error_code{}; }
}  // namespace

struct uring_service::op {
  op(op_kind k, int f, char* d, std::size_t s, std::uint64_t o, asio::any_io_executor e, handler_type h)
      : kind(k), fd(f), data(d), size(s), offset(o), ex(std::move(e)), handler(std::move(h)) {}
  op_kind kind;
  int fd;
  char* data;
  std::size_t size;
  std::uint64_t offset;
  asio::any_io_executor ex;
  handler_type handler;
};

namespace {
/// Runs `handler(ec, n)` through `ex` (inline when already there). A lambda
/// rather than asio::append: Boost 1.81 cannot post an append_t wrapping an
/// any_completion_handler.
void complete(asio::any_io_executor const& ex, bool inline_ok, uring_service::handler_type handler, error_code ec,
              std::size_t n) {
  auto call = [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); };
  if (inline_ok)
    asio::dispatch(ex, std::move(call));
  else
    asio::post(ex, std::move(call));
}
}  // namespace

uring_service::uring_service(asio::execution_context& context) : service(context) {}

void uring_service::init(asio::any_io_executor const& ex) {
  if (initialised_)
    return;
  initialised_ = true;
  home_ = ex;
  if (io_uring_queue_init(ring_entries, &ring_, 0) < 0)
    return;  // refused (old kernel, seccomp): blocking syscalls from now on
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0 || io_uring_register_eventfd(&ring_, event_fd_) < 0) {
    if (event_fd_ >= 0)
      ::close(event_fd_);
    event_fd_ = -1;
    io_uring_queue_exit(&ring_);
    return;
  }
  event_.emplace(ex, event_fd_);
  ring_ready_ = true;
}

uring_service::~uring_service() { shutdown(); }

uring_service& uring_service::of(asio::any_io_executor const& ex) {
  auto& context = asio::query(ex, asio::execution::context);
  if (!asio::has_service<uring_service>(context)) {
    // Make the descriptor service exist before this one, so that it is
    // shut down after it and our eventfd can be closed in shutdown().
    asio::posix::stream_descriptor warm_up(ex);
  }
  auto& service = asio::use_service<uring_service>(context);
  service.init(ex);
  return service;
}

void uring_service::shutdown() {
  if (!ring_ready_)
    return;
  // The kernel may still write into buffers owned by pending operations:
  // wait for every completion before anything is freed. Handlers are
  // destroyed, not invoked, as Asio does at shutdown.
  while (in_flight_ > 0) {
    io_uring_cqe* cqe = nullptr;
    if (io_uring_wait_cqe(&ring_, &cqe) < 0)
      break;
    delete static_cast<op*>(io_uring_cqe_get_data(cqe));
    io_uring_cqe_seen(&ring_, cqe);
    --in_flight_;
  }
  event_.reset();  // closes event_fd_
  io_uring_queue_exit(&ring_);
  ring_ready_ = false;
}

bool uring_service::prepare(op* o) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  if (sqe == nullptr) {
    io_uring_submit(&ring_);
    sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr)
      return false;
  }
  switch (o->kind) {
  case op_kind::write: io_uring_prep_write(sqe, o->fd, o->data, static_cast<unsigned>(o->size), o->offset); break;
  case op_kind::read: io_uring_prep_read(sqe, o->fd, o->data, static_cast<unsigned>(o->size), o->offset); break;
  case op_kind::fsync: io_uring_prep_fsync(sqe, o->fd, 0); break;
  case op_kind::datasync: io_uring_prep_fsync(sqe, o->fd, IORING_FSYNC_DATASYNC); break;
  }
  io_uring_sqe_set_data(sqe, o);
  return true;
}

void uring_service::start(op_kind kind, int fd, char* data, std::size_t size, std::uint64_t offset,
                          asio::any_io_executor ex, handler_type handler) {
  // A single io_uring transfer is capped at 2 GiB - 4 KiB by the kernel;
  // callers loop on short counts anyway.
  size = std::min<std::size_t>(size, 0x7ffff000);
  if (!ring_ready_) {
    run_blocking(kind, fd, data, size, offset, std::move(ex), std::move(handler));
    return;
  }
  auto* o = new op(kind, fd, data, size, offset, std::move(ex), std::move(handler));
  if (!prepare(o)) {
    auto h = std::move(o->handler);
    auto e = std::move(o->ex);
    delete o;
    run_blocking(kind, fd, data, size, offset, std::move(e), std::move(h));
    return;
  }
  io_uring_submit(&ring_);
  ++in_flight_;
  arm();
}

void uring_service::run_blocking(op_kind kind, int fd, char* data, std::size_t size, std::uint64_t offset,
                                 asio::any_io_executor ex, handler_type handler) {
  ssize_t res = 0;
  switch (kind) {
  case op_kind::write: res = ::pwrite(fd, data, size, static_cast<off_t>(offset)); break;
  case op_kind::read: res = ::pread(fd, data, size, static_cast<off_t>(offset)); break;
  case op_kind::fsync: res = ::fsync(fd); break;
  case op_kind::datasync: res = ::fdatasync(fd); break;
  }
  error_code ec = res < 0 ? error_code(errno, boost::system::system_category()) : error_code{};
  std::size_t const n = res < 0 ? 0 : static_cast<std::size_t>(res);
  complete(ex, false, std::move(handler), ec, n);
}

void uring_service::arm() {
  // Wait on the eventfd only while something is in flight, so an idle ring
  // never keeps the context from running out of work at shutdown.
  if (armed_ || in_flight_ == 0)
    return;
  armed_ = true;
  event_->async_wait(asio::posix::stream_descriptor::wait_read, [this](error_code ec) {
    armed_ = false;
    if (ec == asio::error::operation_aborted)
      return;
    reap();
  });
}

void uring_service::reap() {
  std::uint64_t count = 0;
  (void)::read(event_fd_, &count, sizeof count);
  std::vector<std::pair<op*, int>> done;
  io_uring_cqe* cqe = nullptr;
  while (io_uring_peek_cqe(&ring_, &cqe) == 0) {
    done.emplace_back(static_cast<op*>(io_uring_cqe_get_data(cqe)), cqe->res);
    io_uring_cqe_seen(&ring_, cqe);
    --in_flight_;
  }
  // Handlers may start new operations; arm before running them so that a
  // completion racing with them is not missed.
  arm();
  for (auto [o, res] : done) {
    auto handler = std::move(o->handler);
    auto ex = std::move(o->ex);
    delete o;
    complete(ex, true, std::move(handler), from_result(res), res < 0 ? 0 : static_cast<std::size_t>(res));
  }
}

}  // namespace kinesys::engine::detail
