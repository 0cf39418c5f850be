#include <kinesys/detail/engine/aws/kinesis_client.hpp>

#include <kinesys/detail/engine/deadline.hpp>
#include <kinesys/detail/engine/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kinesys::engine::aws {
namespace asio = boost::asio;

namespace {

// PutRecords answers entry i for request record i; a reply of another length
// cannot be matched to the records, so none of it is trusted.
aws_error entry_count_mismatch(std::size_t sent, std::size_t answered) {
  return make_aws_error(errc::malformed_response, "malformed PutRecords response: " + std::to_string(answered) +
                                                      " result entries for " + std::to_string(sent) + " records");
}

}  // namespace

kinesis_client::kinesis_client(http_client& http, endpoint ep, credentials creds, std::string region,
                               aws_client_options options)
    : client_(http, kinesis_protocol, std::move(ep), std::move(creds), std::move(region), std::move(options)) {}

kinesis_client::kinesis_client(http_client& http, aws_config const& config, aws_client_options options)
    : kinesis_client(http, config.kinesis, config.creds, config.region, std::move(options)) {}

asio::awaitable<aws_result<void>> kinesis_client::call_without_result(std::string_view operation,
                                                                      std::string const& body) {
  auto response = co_await client_.call(operation, body);
  if (!response) co_return response.error();
  co_return aws_result<void>{};
}

asio::awaitable<aws_result<void>> kinesis_client::create_stream(create_stream_request const& r) {
  auto body = bodies_.borrow();
  write_create_stream(*body, r);
  co_return co_await call_without_result("CreateStream", *body);
}

asio::awaitable<aws_result<void>> kinesis_client::delete_stream(delete_stream_request const& r) {
  auto body = bodies_.borrow();
  write_delete_stream(*body, r);
  co_return co_await call_without_result("DeleteStream", *body);
}

asio::awaitable<aws_result<stream_summary>> kinesis_client::describe_stream_summary(stream_ref const& stream) {
  auto body = bodies_.borrow();
  write_describe_stream_summary(*body, stream);
  auto response = co_await client_.call("DescribeStreamSummary", *body);
  if (!response) co_return response.error();
  co_return parse_describe_stream_summary(response->body);
}

asio::awaitable<aws_result<stream_summary>> kinesis_client::wait_for_stream(stream_ref const& stream,
                                                                            stream_status status,
                                                                            std::chrono::milliseconds timeout,
                                                                            std::chrono::milliseconds poll) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto summary = co_await describe_stream_summary(stream);
    if (!summary || summary->status == status) co_return summary;
    if (std::chrono::steady_clock::now() + poll > deadline) {
      aws_error e;
      e.error = make_error_code(engine::errc::deadline_exceeded);
      e.message = "stream " + (stream.name.empty() ? stream.arn : stream.name) + " did not become " +
                  std::string(to_string(status)) + " within " + std::to_string(timeout.count()) +
                  " ms (last status " + std::string(to_string(summary->status)) + ")";
      co_return e;
    }
    if (auto [ec] = co_await async_sleep(poll, asio::as_tuple(asio::use_awaitable)); ec) {
      aws_error e;
      e.error = ec;
      e.message = "waiting for stream status interrupted: " + ec.message();
      co_return e;
    }
  }
}

asio::awaitable<aws_result<list_shards_result>> kinesis_client::list_shards(list_shards_request const& r) {
  auto body = bodies_.borrow();
  write_list_shards(*body, r);
  auto response = co_await client_.call("ListShards", *body);
  if (!response) co_return response.error();
  co_return parse_list_shards(response->body);
}

asio::awaitable<aws_result<std::vector<shard>>> kinesis_client::list_all_shards(stream_ref const& stream,
                                                                                std::optional<shard_filter> filter) {
  std::vector<shard> shards;
  list_shards_request request;
  request.stream = stream;
  request.filter = std::move(filter);
  for (;;) {
    auto page = co_await list_shards(request);
    if (!page) co_return page.error();
    for (auto& s : page->shards) shards.push_back(std::move(s));
    if (page->next_token.empty()) co_return shards;
    request.next_token = std::move(page->next_token);
  }
}

asio::awaitable<aws_result<put_record_result>> kinesis_client::put_record(put_record_request const& r) {
  auto body = bodies_.borrow();
  if (auto written = write_put_record(*body, r); !written) co_return written.error();
  auto response = co_await client_.call("PutRecord", *body);
  if (!response) co_return response.error();
  co_return parse_put_record(response->body);
}

asio::awaitable<aws_result<void>> kinesis_client::put_records(put_records_request const& r, put_records_result& out) {
  auto body = bodies_.borrow();
  if (auto written = write_put_records(*body, r); !written) co_return written.error();
  auto response = co_await client_.call("PutRecords", *body);
  if (!response) co_return response.error();
  auto parsed = parse_put_records(response->body, out);
  if (parsed && out.records.size() != r.records.size())
    co_return entry_count_mismatch(r.records.size(), out.records.size());
  co_return parsed;
}

asio::awaitable<aws_result<put_records_result>> kinesis_client::put_records(put_records_request const& r) {
  put_records_result out;
  auto done = co_await put_records(r, out);
  if (!done) co_return done.error();
  co_return out;
}

asio::awaitable<aws_result<std::string>> kinesis_client::get_shard_iterator(get_shard_iterator_request const& r) {
  auto body = bodies_.borrow();
  write_get_shard_iterator(*body, r);
  auto response = co_await client_.call("GetShardIterator", *body);
  if (!response) co_return response.error();
  co_return parse_get_shard_iterator(response->body);
}

asio::awaitable<aws_result<void>> kinesis_client::get_records(get_records_request const& r, get_records_result& out) {
  auto body = bodies_.borrow();
  write_get_records(*body, r);
  auto response = co_await client_.call("GetRecords", *body);
  if (!response) co_return response.error();
  co_return parse_get_records(response->body, out);
}

asio::awaitable<aws_result<get_records_result>> kinesis_client::get_records(get_records_request const& r) {
  get_records_result out;
  auto done = co_await get_records(r, out);
  if (!done) co_return done.error();
  co_return out;
}

asio::awaitable<aws_result<void>> kinesis_client::split_shard(split_shard_request const& r) {
  auto body = bodies_.borrow();
  write_split_shard(*body, r);
  co_return co_await call_without_result("SplitShard", *body);
}

asio::awaitable<aws_result<void>> kinesis_client::merge_shards(merge_shards_request const& r) {
  auto body = bodies_.borrow();
  write_merge_shards(*body, r);
  co_return co_await call_without_result("MergeShards", *body);
}

asio::awaitable<aws_result<update_shard_count_result>> kinesis_client::update_shard_count(
    update_shard_count_request const& r) {
  auto body = bodies_.borrow();
  write_update_shard_count(*body, r);
  auto response = co_await client_.call("UpdateShardCount", *body);
  if (!response) co_return response.error();
  co_return parse_update_shard_count(response->body);
}

asio::awaitable<aws_result<list_streams_result>> kinesis_client::list_streams(list_streams_request const& r) {
  auto body = bodies_.borrow();
  write_list_streams(*body, r);
  auto response = co_await client_.call("ListStreams", *body);
  if (!response) co_return response.error();
  co_return parse_list_streams(response->body);
}

}  // namespace kinesys::engine::aws
