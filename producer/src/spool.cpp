#include "spool.hpp"

#include "core_pipeline.hpp"

#include <boost/asio/co_spawn.hpp>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

namespace kinesys::producer::detail {

namespace asio = boost::asio;
namespace fs = std::filesystem;

namespace {

engine::append_file_options file_options(producer_config const& c) {
  engine::append_file_options o;
  switch (c.spool_fsync_policy) {
  case spool_fsync::never: o.fsync = engine::fsync_policy::never; break;
  case spool_fsync::interval: o.fsync = engine::fsync_policy::interval; break;
  case spool_fsync::always: o.fsync = engine::fsync_policy::always; break;
  }
  o.fsync_interval = c.spool_fsync_interval;
  return o;
}

// "spool-0000000042.log" → 42.
std::optional<std::uint64_t> segment_of(fs::path const& p) {
  std::string name = p.filename().string();
  if (name.size() != 20 || name.rfind("spool-", 0) != 0 || name.substr(16) != ".log") return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(name.data() + 6, name.data() + 16, v);
  if (ec != std::errc{} || end != name.data() + 16) return std::nullopt;
  return v;
}

}  // namespace

spool::spool(asio::io_context& io, fs::path directory, std::size_t core, std::size_t cores,
             std::uint64_t first_segment, producer_config const& config)
    : io_(io), dir_(std::move(directory)), core_(core), cores_(cores), config_(config),
      segment_(first_segment + core) {}

spool::~spool() = default;

fs::path spool::file_name(std::uint64_t segment) const {
  char name[32];
  std::snprintf(name, sizeof name, "spool-%010llu.log", static_cast<unsigned long long>(segment));
  return dir_ / name;
}

boost::system::error_code spool::open() {
  auto f = engine::append_file::open(io_.get_executor(), file_name(segment_), file_options(config_));
  if (!f) return f.error();
  file_.emplace(std::move(*f));
  append_spool_header(pending_);
  kick();
  return {};
}

void spool::record(user_record& u, std::string_view stream, std::string_view stamp_origin) {
  u.spool_id = (segment_ << segment_shift) | ++sequence_;
  append_record_frame(pending_, u.spool_id, u.stamp, stamp_origin, stream, u.partition_key, u.explicit_hash_key,
                      u.data);
  ++live_[segment_];
  ++live_total_;
  kick();
}

void spool::acknowledge(std::uint64_t spool_id) {
  std::uint64_t segment = spool_id >> segment_shift;
  acks_.push_back(spool_id);
  --live_total_;
  auto it = live_.find(segment);
  if (it != live_.end() && --it->second == 0 && segment != segment_) {
    // A finished file with nothing left to resend: trim it.
    std::error_code ec;
    fs::remove(file_name(segment), ec);
    live_.erase(it);
  }
  kick();
}

void spool::sync(std::function<void(boost::system::error_code)> done) {
  sync_waiters_.push_back(std::move(done));
  kick();
}

void spool::close(std::function<void()> done) {
  closing_ = true;
  close_waiter_ = std::move(done);
  kick();
}

void spool::kick() {
  if (writer_running_ || !file_) return;
  writer_running_ = true;
  asio::co_spawn(io_, writer(), report_coroutine_failure);
}

asio::awaitable<void> spool::writer() {
  for (;;) {
    if (!acks_.empty()) {
      append_ack_frame(pending_, acks_);
      acks_.clear();
    }
    if (pending_.empty() && sync_waiters_.empty() && !closing_) break;
    auto waiters = std::move(sync_waiters_);
    sync_waiters_.clear();
    if (!pending_.empty()) {
      writing_.clear();
      writing_.swap(pending_);
      if (!error_)
        if (auto ec = co_await file_->append(writing_)) error_ = ec;
    }
    if ((!waiters.empty() || closing_) && !error_)
      if (auto ec = co_await file_->sync()) error_ = ec;
    for (auto& w : waiters) w(error_);
    if (closing_ && pending_.empty() && acks_.empty() && sync_waiters_.empty()) {
      co_await file_->close();
      file_.reset();
      if (live_total_ == 0) {
        // Everything acknowledged: nothing to recover from any file of ours.
        for (auto const& [segment, n] : live_) {
          std::error_code ec;
          fs::remove(file_name(segment), ec);
        }
        std::error_code ec;
        fs::remove(file_name(segment_), ec);
      }
      writer_running_ = false;
      if (close_waiter_) close_waiter_();
      co_return;
    }
    if (!error_ && file_->size() >= config_.spool_segment_size)
      if (auto ec = co_await roll_over()) error_ = ec;
  }
  writer_running_ = false;
}

asio::awaitable<boost::system::error_code> spool::roll_over() {
  if (auto ec = co_await file_->close()) co_return ec;
  std::uint64_t old = segment_;
  segment_ += cores_;
  auto f = engine::append_file::open(io_.get_executor(), file_name(segment_), file_options(config_));
  if (!f) co_return f.error();
  file_.emplace(std::move(*f));
  std::string header;
  append_spool_header(header);
  if (auto ec = co_await file_->append(header)) co_return ec;
  if (auto it = live_.find(old); it == live_.end() || it->second == 0) {
    std::error_code ec;
    fs::remove(file_name(old), ec);
    live_.erase(old);
  }
  co_return boost::system::error_code{};
}

boost::system::result<spool_recovery> recover_spool(fs::path const& directory) {
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) return boost::system::error_code(ec.value(), boost::system::system_category());
  spool_recovery out;
  std::vector<std::pair<std::uint64_t, fs::path>> files;
  for (auto const& entry : fs::directory_iterator(directory, ec)) {
    if (auto seg = segment_of(entry.path())) {
      files.emplace_back(*seg, entry.path());
      out.next_segment = std::max(out.next_segment, *seg + 1);
    }
  }
  if (ec) return boost::system::error_code(ec.value(), boost::system::system_category());
  std::sort(files.begin(), files.end());

  std::vector<spooled_record> records;
  std::set<std::uint64_t> acked;
  for (auto const& [seg, path] : files) {
    std::string bytes;
    {
      std::ifstream in(path, std::ios::binary);
      std::ostringstream buffer;
      buffer << in.rdbuf();
      bytes = buffer.str();
    }
    auto contents = read_spool(bytes);
    if (!contents) {
      // A file cut before its header was complete holds nothing; anything
      // else without our header is not ours and stays.
      if (bytes.size() < spool_header_size) out.files.push_back(path);
      continue;
    }
    if (contents->torn) {
      ++out.torn_files;
      fs::resize_file(path, contents->good_length, ec);
    }
    for (auto& r : contents->records) records.push_back(std::move(r));
    acked.insert(contents->acks.begin(), contents->acks.end());
    out.files.push_back(path);
  }
  for (auto& r : records)
    if (!acked.count(r.spool_id)) out.records.push_back(std::move(r));
  // Spool ids order records within a core's files, which is put order.
  std::stable_sort(out.records.begin(), out.records.end(),
                   [](spooled_record const& a, spooled_record const& b) { return a.spool_id < b.spool_id; });
  return out;
}

}  // namespace kinesys::producer::detail
