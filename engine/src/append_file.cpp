// Group-commit appends and reads over the per-core io_uring.
#include "kinesys/detail/engine/append_file.hpp"

#include "detail/uring_service.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace kinesys::engine {

namespace asio = boost::asio;
using boost::system::error_code;
using detail::uring_service;
inline constexpr auto as_result = asio::as_tuple(asio::use_awaitable);

namespace {

error_code last_error() { return {errno, boost::system::system_category()}; }

/// Writes all of `data` at `offset`, looping on short writes.
asio::awaitable<error_code> write_all(uring_service& ring, int fd, std::string_view data, std::uint64_t offset) {
  while (!data.empty()) {
    auto [ec, n] = co_await ring.async_write_at(fd, std::span<char const>(data.data(), data.size()), offset, as_result);
    if (ec)
      co_return ec;
    if (n == 0)
      co_return make_error_code(boost::system::errc::io_error);
    data.remove_prefix(n);
    offset += n;
  }
  co_return error_code{};
}

/// Reads [offset, end of file) into a string.
asio::awaitable<boost::system::result<std::string>> read_from(uring_service& ring, int fd, std::uint64_t offset) {
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    co_return last_error();
  auto const size = static_cast<std::uint64_t>(st.st_size);
  std::string out(size > offset ? size - offset : 0, '\0');
  std::size_t done = 0;
  while (done < out.size()) {
    auto const chunk = std::min<std::size_t>(out.size() - done, 4u << 20);
    auto [ec, n] = co_await ring.async_read_at(fd, std::span<char>(out.data() + done, chunk), offset + done, as_result);
    if (ec)
      co_return ec;
    if (n == 0)  // the file shrank under us
      break;
    done += n;
  }
  out.resize(done);
  co_return out;
}

}  // namespace

using waiter = asio::any_completion_handler<void(error_code)>;

struct append_file::state : std::enable_shared_from_this<state> {
  state(asio::any_io_executor e, int f, std::filesystem::path p, append_file_options o, std::uint64_t size)
      : ex(std::move(e)), ring(uring_service::of(ex)), fd(f), path(std::move(p)), options(o), end(size),
        interval(ex) {}
  ~state() {
    if (fd >= 0)
      ::close(fd);
  }

  /// Queues the caller behind the current batch and makes sure a flusher
  /// runs. `needs_sync` asks that this batch end with an fsync.
  asio::awaitable<error_code> enqueue(std::string_view bytes, bool needs_sync);
  asio::awaitable<void> flush_loop();
  void arm_interval();

  asio::any_io_executor ex;
  uring_service& ring;
  int fd;
  std::filesystem::path path;
  append_file_options options;
  std::uint64_t end;        // offset where the next batch goes (written bytes)
  std::string pending;      // appended, not yet handed to the kernel
  std::string writing;      // the batch in flight (kept to reuse its capacity)
  std::vector<waiter> pending_waiters;
  std::vector<waiter> writing_waiters;
  bool pending_sync = false;
  bool flushing = false;
  bool dirty = false;       // written since the last fsync
  error_code poisoned;
  asio::steady_timer interval;
  bool interval_armed = false;
};

asio::awaitable<error_code> append_file::state::enqueue(std::string_view bytes, bool needs_sync) {
  if (fd < 0)
    co_return make_error_code(boost::system::errc::bad_file_descriptor);
  if (poisoned)
    co_return poisoned;
  pending.append(bytes);
  pending_sync = pending_sync || needs_sync;
  auto [ec] = co_await asio::async_initiate<decltype(as_result), void(error_code)>(
      [this](auto handler) {
        pending_waiters.emplace_back(std::move(handler));
        if (!flushing) {
          flushing = true;
          asio::co_spawn(ex, flush_loop(), asio::detached);
        }
      },
      as_result);
  co_return ec;
}

asio::awaitable<void> append_file::state::flush_loop() {
  auto self = shared_from_this();
  while (!pending_waiters.empty()) {
    // Everything appended while the previous batch was on its way goes out
    // as one write (and at most one fsync): group commit.
    writing.swap(pending);
    writing_waiters.swap(pending_waiters);
    bool const sync_now = pending_sync || options.fsync == fsync_policy::always;
    pending_sync = false;
    error_code ec = poisoned;
    if (!ec && !writing.empty()) {
      ec = co_await write_all(ring, fd, writing, end);
      if (!ec) {
        end += writing.size();
        dirty = true;
      }
    }
    if (!ec && sync_now && dirty) {
      auto [sync_error, unused] = co_await ring.async_sync(fd, true, as_result);
      (void)unused;
      ec = sync_error;
      if (!ec)
        dirty = false;
    }
    if (ec && !poisoned)
      poisoned = ec;
    writing.clear();
    for (auto& w : writing_waiters)
      asio::post(ex, [h = std::move(w), ec]() mutable { std::move(h)(ec); });
    writing_waiters.clear();
  }
  flushing = false;
  arm_interval();
}

void append_file::state::arm_interval() {
  if (options.fsync != fsync_policy::interval || !dirty || interval_armed || fd < 0)
    return;
  interval_armed = true;
  interval.expires_after(options.fsync_interval);
  interval.async_wait([self = shared_from_this()](error_code ec) {
    self->interval_armed = false;
    if (ec || !self->dirty || self->fd < 0)
      return;
    // An empty batch that asks for a sync: fsyncs after whatever is queued.
    asio::co_spawn(self->ex, [self]() -> asio::awaitable<void> { co_await self->enqueue({}, true); }, asio::detached);
  });
}

boost::system::result<append_file> append_file::open(asio::any_io_executor ex, std::filesystem::path const& path,
                                                     append_file_options options) {
  int const fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return last_error();
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto ec = last_error();
    ::close(fd);
    return ec;
  }
  return append_file(
      std::make_shared<state>(std::move(ex), fd, path, options, static_cast<std::uint64_t>(st.st_size)));
}

append_file::append_file(std::shared_ptr<state> s) noexcept : state_(std::move(s)) {}
append_file::append_file(append_file&&) noexcept = default;
append_file& append_file::operator=(append_file&&) noexcept = default;
// A flusher still running holds the state; the descriptor closes when it ends.
append_file::~append_file() = default;

asio::awaitable<error_code> append_file::append(std::string_view bytes) {
  auto s = state_;
  co_return co_await s->enqueue(bytes, false);
}

asio::awaitable<error_code> append_file::sync() {
  auto s = state_;
  co_return co_await s->enqueue({}, true);
}

asio::awaitable<boost::system::result<std::string>> append_file::read_all() {
  auto s = state_;
  if (auto ec = co_await s->enqueue({}, false); ec)
    co_return ec;
  co_return co_await read_from(s->ring, s->fd, 0);
}

asio::awaitable<error_code> append_file::truncate(std::uint64_t size) {
  auto s = state_;
  if (s->fd < 0)
    co_return make_error_code(boost::system::errc::bad_file_descriptor);
  (void)co_await s->enqueue({}, false);  // a poisoned file may still be cut back
  if (size > s->end)
    co_return make_error_code(boost::system::errc::invalid_argument);
  if (::ftruncate(s->fd, static_cast<off_t>(size)) != 0)
    co_return last_error();
  s->end = size;
  s->poisoned = {};
  if (s->options.fsync != fsync_policy::never) {
    auto [ec, unused] = co_await s->ring.async_sync(s->fd, false, as_result);  // metadata: the new length
    (void)unused;
    co_return ec;
  }
  co_return error_code{};
}

asio::awaitable<error_code> append_file::close() {
  auto s = state_;
  if (s->fd < 0)
    co_return error_code{};
  error_code ec = co_await s->enqueue({}, s->options.fsync != fsync_policy::never);
  s->interval.cancel();
  if (::close(s->fd) != 0 && !ec)
    ec = last_error();
  s->fd = -1;
  co_return ec;
}

std::uint64_t append_file::size() const noexcept {
  return state_->end + state_->writing.size() + state_->pending.size();
}
std::filesystem::path const& append_file::path() const noexcept { return state_->path; }
bool append_file::is_open() const noexcept { return state_ && state_->fd >= 0; }

// ---- file_reader ----

boost::system::result<file_reader> file_reader::open(asio::any_io_executor ex, std::filesystem::path const& path) {
  int const fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return last_error();
  return file_reader(std::move(ex), fd);
}

file_reader::file_reader(asio::any_io_executor ex, int fd) noexcept : ex_(std::move(ex)), fd_(fd) {}

file_reader::file_reader(file_reader&& other) noexcept
    : ex_(std::move(other.ex_)), fd_(std::exchange(other.fd_, -1)), position_(other.position_) {}

file_reader& file_reader::operator=(file_reader&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0)
      ::close(fd_);
    ex_ = std::move(other.ex_);
    fd_ = std::exchange(other.fd_, -1);
    position_ = other.position_;
  }
  return *this;
}

file_reader::~file_reader() {
  if (fd_ >= 0)
    ::close(fd_);
}

asio::awaitable<boost::system::result<std::size_t>> file_reader::read_at(std::uint64_t offset, std::span<char> buffer) {
  auto [ec, n] = co_await uring_service::of(ex_).async_read_at(fd_, buffer, offset, as_result);
  if (ec)
    co_return ec;
  co_return n;
}

asio::awaitable<boost::system::result<std::size_t>> file_reader::read(std::span<char> buffer) {
  auto n = co_await read_at(position_, buffer);
  if (n)
    position_ += *n;
  co_return n;
}

asio::awaitable<boost::system::result<std::string>> file_reader::read_rest() {
  auto out = co_await read_from(uring_service::of(ex_), fd_, position_);
  if (out)
    position_ += out->size();
  co_return out;
}

boost::system::result<std::uint64_t> file_reader::size() const {
  struct stat st {};
  if (::fstat(fd_, &st) != 0)
    return last_error();
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace kinesys::engine
