#include <kinesys/detail/engine/aws/dynamodb_client.hpp>

#include <kinesys/detail/engine/deadline.hpp>
#include <kinesys/detail/engine/error.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace kinesys::engine::aws {
namespace asio = boost::asio;

dynamodb_client::dynamodb_client(http_client& http, endpoint ep, credentials creds, std::string region,
                                 aws_client_options options)
    : client_(http, dynamodb_protocol, std::move(ep), std::move(creds), std::move(region), std::move(options)) {}

dynamodb_client::dynamodb_client(http_client& http, aws_config const& config, aws_client_options options)
    : dynamodb_client(http, config.dynamodb, config.creds, config.region, std::move(options)) {}

asio::awaitable<aws_result<table_description>> dynamodb_client::create_table(create_table_request const& r) {
  auto body = bodies_.borrow();
  write_create_table(*body, r);
  auto response = co_await client_.call("CreateTable", *body);
  if (!response) co_return response.error();
  co_return parse_table_description(response->body, "CreateTable");
}

asio::awaitable<aws_result<table_description>> dynamodb_client::describe_table(std::string const& table_name) {
  auto body = bodies_.borrow();
  write_table_name(*body, table_name);
  auto response = co_await client_.call("DescribeTable", *body);
  if (!response) co_return response.error();
  co_return parse_table_description(response->body, "DescribeTable");
}

asio::awaitable<aws_result<table_description>> dynamodb_client::delete_table(std::string const& table_name) {
  auto body = bodies_.borrow();
  write_table_name(*body, table_name);
  auto response = co_await client_.call("DeleteTable", *body);
  if (!response) co_return response.error();
  co_return parse_table_description(response->body, "DeleteTable");
}

asio::awaitable<aws_result<table_description>> dynamodb_client::wait_for_table(std::string const& table_name,
                                                                               std::chrono::milliseconds timeout,
                                                                               std::chrono::milliseconds poll) {
  auto const deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto table = co_await describe_table(table_name);
    if (!table || table->status == table_status::active) co_return table;
    if (std::chrono::steady_clock::now() + poll > deadline) {
      aws_error e;
      e.error = make_error_code(engine::errc::deadline_exceeded);
      e.message = "table " + table_name + " did not become ACTIVE within " + std::to_string(timeout.count()) +
                  " ms (last status " + std::string(to_string(table->status)) + ")";
      co_return e;
    }
    if (auto [ec] = co_await async_sleep(poll, asio::as_tuple(asio::use_awaitable)); ec) {
      aws_error e;
      e.error = ec;
      e.message = "waiting for table status interrupted: " + ec.message();
      co_return e;
    }
  }
}

asio::awaitable<aws_result<write_item_result>> dynamodb_client::put_item(put_item_request const& r) {
  auto body = bodies_.borrow();
  write_put_item(*body, r);
  auto response = co_await client_.call("PutItem", *body);
  if (!response) co_return response.error();
  co_return parse_write_item(response->body, "PutItem");
}

asio::awaitable<aws_result<write_item_result>> dynamodb_client::update_item(update_item_request const& r) {
  auto body = bodies_.borrow();
  write_update_item(*body, r);
  auto response = co_await client_.call("UpdateItem", *body);
  if (!response) co_return response.error();
  co_return parse_write_item(response->body, "UpdateItem");
}

asio::awaitable<aws_result<write_item_result>> dynamodb_client::delete_item(delete_item_request const& r) {
  auto body = bodies_.borrow();
  write_delete_item(*body, r);
  auto response = co_await client_.call("DeleteItem", *body);
  if (!response) co_return response.error();
  co_return parse_write_item(response->body, "DeleteItem");
}

asio::awaitable<aws_result<get_item_result>> dynamodb_client::get_item(get_item_request const& r) {
  auto body = bodies_.borrow();
  write_get_item(*body, r);
  auto response = co_await client_.call("GetItem", *body);
  if (!response) co_return response.error();
  co_return parse_get_item(response->body);
}

asio::awaitable<aws_result<query_result>> dynamodb_client::query(query_request const& r) {
  auto body = bodies_.borrow();
  write_query(*body, r);
  auto response = co_await client_.call("Query", *body);
  if (!response) co_return response.error();
  co_return parse_query(response->body);
}

asio::awaitable<aws_result<query_result>> dynamodb_client::query_all(query_request r) {
  query_result all;
  for (;;) {
    auto page = co_await query(r);
    if (!page) co_return page.error();
    for (auto& it : page->items) all.items.push_back(std::move(it));
    all.count += page->count;
    all.scanned_count += page->scanned_count;
    if (!page->last_evaluated_key) co_return all;
    r.exclusive_start_key = std::move(page->last_evaluated_key);
  }
}

asio::awaitable<aws_result<batch_write_item_result>> dynamodb_client::batch_write_item(
    batch_write_item_request const& r) {
  auto body = bodies_.borrow();
  if (auto written = write_batch_write_item(*body, r); !written) co_return written.error();
  auto response = co_await client_.call("BatchWriteItem", *body);
  if (!response) co_return response.error();
  co_return parse_batch_write_item(response->body);
}

asio::awaitable<aws_result<void>> dynamodb_client::transact_write_items(transact_write_items_request const& r) {
  auto body = bodies_.borrow();
  if (auto written = write_transact_write_items(*body, r); !written) co_return written.error();
  auto response = co_await client_.call("TransactWriteItems", *body);
  if (!response) co_return response.error();
  co_return aws_result<void>{};
}

}  // namespace kinesys::engine::aws
