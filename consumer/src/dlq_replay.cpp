#include <kinesys/detail/consumer/dlq_replay.hpp>

#include <kinesys/detail/engine/append_file.hpp>
#include <kinesys/detail/engine/deadline.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>


namespace kinesys::consumer {

namespace asio = boost::asio;
namespace aws = engine::aws;

asio::awaitable<aws::aws_result<std::size_t>> put_letters(aws::kinesis_client& kinesis, std::string const& to,
                                                          std::vector<dead_letter> const& letters)
{
  std::size_t put = 0;
  std::size_t next = 0;
  unsigned throttled_rounds = 0;
  while (next < letters.size()) {
    // One call carries at most 500 entries and 5 MiB.
    std::vector<std::size_t> batch;
    std::size_t bytes = 0;
    while (next < letters.size() && batch.size() < 500) {
      auto size = letters[next].data.size() + letters[next].partition_key.size();
      if (!batch.empty() && bytes + size > 5 * 1024 * 1024) break;
      bytes += size;
      batch.push_back(next++);
    }
    while (!batch.empty()) {
      std::vector<aws::put_records_entry> entries;
      for (auto i : batch) entries.push_back({letters[i].data, letters[i].partition_key, {}});
      aws::put_records_request req;
      req.stream.name = to;
      req.records = entries;
      auto r = co_await kinesis.put_records(req);
      if (!r) co_return r.error();
      // Only the failed entries go again: resending accepted ones would
      // duplicate them, and a duplicate counts twice in merge mode.
      std::vector<std::size_t> failed;
      for (std::size_t k = 0; k < batch.size(); ++k) {
        if (!r->records[k].ok())
          failed.push_back(batch[k]);
        else
          ++put;
      }
      batch = std::move(failed);
      if (!batch.empty()) {
        auto delay = std::chrono::milliseconds(100) * (1 << std::min(++throttled_rounds, 5u));
        co_await engine::async_sleep(delay, asio::as_tuple(asio::use_awaitable));
      }
    }
  }
  co_return aws::aws_result<std::size_t>(boost::system::in_place_value, put);
}

namespace {

void note(replay_report& report, std::string problem)
{
  ++report.unreadable;
  if (report.problems.size() < 10) report.problems.push_back(std::move(problem));
}

}  // namespace

asio::awaitable<aws::aws_result<replay_report>> replay_file(aws::kinesis_client& kinesis,
                                                            std::filesystem::path const& from, std::string const& to)
{
  auto ex = co_await asio::this_coro::executor;
  auto reader = engine::file_reader::open(ex, from);
  if (!reader) co_return aws::make_aws_error(aws::errc::invalid_request, "cannot open " + from.string() + ": " + reader.error().message());
  auto text = co_await reader->read_rest();
  if (!text) co_return aws::make_aws_error(aws::errc::invalid_request, "cannot read " + from.string() + ": " + text.error().message());
  replay_report report;
  std::vector<dead_letter> letters;
  std::size_t line_no = 0;
  for (std::size_t start = 0; start < text->size();) {
    auto end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string_view line(text->data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    std::string problem;
    auto d = parse_dead_letter(line, &problem);
    if (!d)
      note(report, from.string() + ":" + std::to_string(line_no) + ": " + problem);
    else
      letters.push_back(std::move(*d));
  }
  auto put = co_await put_letters(kinesis, to, letters);
  if (!put) co_return put.error();
  report.replayed = *put;
  co_return report;
}

asio::awaitable<aws::aws_result<replay_report>> replay_stream(aws::kinesis_client& kinesis, std::string const& from,
                                                              std::string const& to)
{
  // Aggregates are built outside co_await: GCC 12 destroys a braced
  // temporary inside a co_await expression twice.
  aws::stream_ref source{from, {}};
  auto shards = co_await kinesis.list_all_shards(source);
  if (!shards) co_return shards.error();
  replay_report report;
  std::vector<dead_letter> letters;
  for (auto const& s : *shards) {
    aws::get_shard_iterator_request it;
    it.stream.name = from;
    it.shard_id = s.shard_id;
    it.type = aws::shard_iterator_type::trim_horizon;
    auto iterator = co_await kinesis.get_shard_iterator(it);
    if (!iterator) co_return iterator.error();
    std::string next = *iterator;
    aws::get_records_result batch;
    while (!next.empty()) {
      aws::get_records_request req;
      req.shard_iterator = next;
      req.limit = 10000;
      auto r = co_await kinesis.get_records(req, batch);
      if (!r) co_return r.error();
      for (auto const& rec : batch.records) {
        std::string problem;
        auto d = parse_dead_letter(rec.data, &problem);
        if (!d)
          note(report, s.shard_id + "/" + std::string(rec.sequence_number) + ": " + problem);
        else
          letters.push_back(std::move(*d));
      }
      // An open shard has no end: stop once it has nothing more to give.
      if (batch.records.empty() && batch.millis_behind_latest == 0) break;
      next = batch.next_shard_iterator;
    }
  }
  auto put = co_await put_letters(kinesis, to, letters);
  if (!put) co_return put.error();
  report.replayed = *put;
  co_return report;
}

}  // namespace kinesys::consumer
