#pragma once
// Typed Kinesis Data Streams calls as coroutines. One kinesis_client per
// core (it holds that core's http_client by reference); many coroutines of
// the core may use it at once. Errors come back as aws_error values with the
// service's code (ResourceNotFoundException, ProvisionedThroughputExceeded-
// Exception, ExpiredIteratorException, ...) after the retry policy is done.
#include <kinesys/detail/engine/aws/body_pool.hpp>
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/kinesis_json.hpp>
#include <kinesys/detail/engine/aws/kinesis_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace kinesys::engine::aws {

/// Every call's arguments must outlive the co_await of that call.
/// @locality owning core
class kinesis_client {
public:
  kinesis_client(http_client& http, endpoint ep, credentials creds, std::string region,
                 aws_client_options options = {});
  /// Endpoint, credentials and region from a resolved configuration.
  kinesis_client(http_client& http, aws_config const& config, aws_client_options options = {});

  boost::asio::awaitable<aws_result<void>> create_stream(create_stream_request const& r);
  boost::asio::awaitable<aws_result<void>> delete_stream(delete_stream_request const& r);
  boost::asio::awaitable<aws_result<stream_summary>> describe_stream_summary(stream_ref const& stream);
  /// Polls DescribeStreamSummary until the stream reaches `status` (ACTIVE
  /// after CreateStream, SplitShard, ...). After `timeout` it fails with
  /// engine::errc::deadline_exceeded and the last status in the message.
  boost::asio::awaitable<aws_result<stream_summary>> wait_for_stream(
      stream_ref const& stream, stream_status status = stream_status::active,
      std::chrono::milliseconds timeout = std::chrono::seconds(60),
      std::chrono::milliseconds poll = std::chrono::milliseconds(100));

  /// One page of ListShards.
  boost::asio::awaitable<aws_result<list_shards_result>> list_shards(list_shards_request const& r);
  /// Every shard, following NextToken.
  boost::asio::awaitable<aws_result<std::vector<shard>>> list_all_shards(stream_ref const& stream,
                                                                          std::optional<shard_filter> filter = {});

  boost::asio::awaitable<aws_result<put_record_result>> put_record(put_record_request const& r);
  /// Partial failure is not an error: check out.failed_record_count and each
  /// entry's error_code. `out` is reused (no allocation in steady state).
  boost::asio::awaitable<aws_result<void>> put_records(put_records_request const& r, put_records_result& out);
  boost::asio::awaitable<aws_result<put_records_result>> put_records(put_records_request const& r);

  boost::asio::awaitable<aws_result<std::string>> get_shard_iterator(get_shard_iterator_request const& r);
  /// `out` is reused: its arena and vectors keep their capacity.
  boost::asio::awaitable<aws_result<void>> get_records(get_records_request const& r, get_records_result& out);
  boost::asio::awaitable<aws_result<get_records_result>> get_records(get_records_request const& r);

  boost::asio::awaitable<aws_result<void>> split_shard(split_shard_request const& r);
  boost::asio::awaitable<aws_result<void>> merge_shards(merge_shards_request const& r);
  boost::asio::awaitable<aws_result<update_shard_count_result>> update_shard_count(update_shard_count_request const& r);
  boost::asio::awaitable<aws_result<list_streams_result>> list_streams(list_streams_request const& r = {});

  aws_json_client& transport() noexcept { return client_; }

private:
  boost::asio::awaitable<aws_result<void>> call_without_result(std::string_view operation, std::string const& body);

  aws_json_client client_;
  body_pool bodies_;
};

}  // namespace kinesys::engine::aws
