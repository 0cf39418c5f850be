#include <kinesys/detail/consumer/dead_letter_sink.hpp>

#include "log.hpp"

namespace kinesys::consumer {

namespace asio = boost::asio;

boost::system::result<dead_letter_sink> dead_letter_sink::open(asio::any_io_executor ex, std::filesystem::path const& file,
                                                               engine::aws::kinesis_client* kinesis, std::string stream)
{
  dead_letter_sink sink(ex);
  if (!file.empty()) {
    auto f = engine::append_file::open(ex, file, engine::append_file_options{engine::fsync_policy::always, {}});
    if (!f) return f.error();
    sink.file_.emplace(std::move(*f));
  }
  sink.kinesis_ = kinesis;
  sink.stream_ = std::move(stream);
  return sink;
}

asio::awaitable<boost::system::error_code> dead_letter_sink::write(dead_letter const& d)
{
  auto line = to_ndjson(d);
  if (file_) {
    if (auto ec = co_await file_->append(line)) {
      log_error("dead-letter file ", file_->path().string(), ": ", ec.message());
      co_return ec;
    }
  }
  if (kinesis_ && !stream_.empty()) {
    line.pop_back();  // the newline is the file's separator, not part of the letter
    engine::aws::put_record_request req;
    req.stream.name = stream_;
    req.data = line;
    req.partition_key = d.partition_key.empty() ? std::string_view("dead-letter") : std::string_view(d.partition_key);
    auto r = co_await kinesis_->put_record(req);
    if (!r) {
      log_error("dead-letter stream ", stream_, ": ", r.error().describe());
      co_return r.error().error ? r.error().error : make_error_code(engine::aws::errc::service_error);
    }
  }
  ++written_;
  log_warn("dead letter: shard ", d.shard, " sequence ", d.sequence, "/", d.sub_sequence, " reason ", d.reason, ": ",
           d.error);
  co_return boost::system::error_code{};
}

asio::awaitable<void> dead_letter_sink::close()
{
  if (file_) co_await file_->close();
}

}  // namespace kinesys::consumer
