#pragma once
// Typed DynamoDB calls as coroutines, one dynamodb_client per core. Errors
// come back as aws_error values with the service's code
// (ConditionalCheckFailedException, ResourceNotFoundException,
// ValidationException, TransactionCanceledException with its
// cancellation_reasons, ...) after the retry policy is done.
#include <kinesys/detail/engine/aws/body_pool.hpp>
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/dynamodb_json.hpp>
#include <kinesys/detail/engine/aws/dynamodb_types.hpp>

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace kinesys::engine::aws {

/// Every call's arguments must outlive the co_await of that call.
/// @locality owning core
class dynamodb_client {
public:
  dynamodb_client(http_client& http, endpoint ep, credentials creds, std::string region,
                  aws_client_options options = {});
  dynamodb_client(http_client& http, aws_config const& config, aws_client_options options = {});

  boost::asio::awaitable<aws_result<table_description>> create_table(create_table_request const& r);
  boost::asio::awaitable<aws_result<table_description>> describe_table(std::string const& table_name);
  boost::asio::awaitable<aws_result<table_description>> delete_table(std::string const& table_name);
  /// Polls DescribeTable until the table is ACTIVE; engine::errc::deadline_exceeded after `timeout`.
  boost::asio::awaitable<aws_result<table_description>> wait_for_table(
      std::string const& table_name, std::chrono::milliseconds timeout = std::chrono::seconds(60),
      std::chrono::milliseconds poll = std::chrono::milliseconds(100));

  boost::asio::awaitable<aws_result<write_item_result>> put_item(put_item_request const& r);
  boost::asio::awaitable<aws_result<write_item_result>> update_item(update_item_request const& r);
  boost::asio::awaitable<aws_result<write_item_result>> delete_item(delete_item_request const& r);
  boost::asio::awaitable<aws_result<get_item_result>> get_item(get_item_request const& r);

  /// One page; resend with exclusive_start_key = last_evaluated_key for the next.
  boost::asio::awaitable<aws_result<query_result>> query(query_request const& r);
  /// Every page, items concatenated (count and scanned_count summed).
  boost::asio::awaitable<aws_result<query_result>> query_all(query_request r);

  /// Unprocessed writes are returned, not retried: the caller decides how
  /// to pace the resend.
  boost::asio::awaitable<aws_result<batch_write_item_result>> batch_write_item(batch_write_item_request const& r);
  /// All or nothing. A cancelled transaction fails with code
  /// "TransactionCanceledException" and aws_error::cancellation_reasons.
  boost::asio::awaitable<aws_result<void>> transact_write_items(transact_write_items_request const& r);

  aws_json_client& transport() noexcept { return client_; }

private:
  aws_json_client client_;
  body_pool bodies_;
};

}  // namespace kinesys::engine::aws
