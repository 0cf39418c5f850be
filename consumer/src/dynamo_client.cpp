#include <kinesys/detail/consumer/dynamo_client.hpp>

#include <kinesys/detail/codecs/json_reader.hpp>
#include <kinesys/detail/codecs/json_writer.hpp>
#include <kinesys/detail/engine/deadline.hpp>

#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>

namespace kinesys::consumer {

namespace asio = boost::asio;
using codecs::json_writer;

namespace {

std::string_view verb_name(dynamo_write::verb v)
{
  switch (v) {
    case dynamo_write::verb::put_item: return "PutItem";
    case dynamo_write::verb::update_item: return "UpdateItem";
    case dynamo_write::verb::delete_item: return "DeleteItem";
  }
  return "";
}

aws::aws_error malformed(std::string what)
{
  return aws::make_aws_error(aws::errc::malformed_response, std::move(what));
}

}  // namespace

std::string render_write_body(dynamo_write const& w)
{
  std::string out;
  json_writer j(out);
  j.begin_object();
  j.member("TableName", w.table);
  if (w.op == dynamo_write::verb::put_item) {
    j.key("Item");
    codecs::write_item(j, w.item);
  } else {
    j.key("Key");
    codecs::write_item(j, w.key);
  }
  if (!w.update_expression.empty()) j.member("UpdateExpression", w.update_expression);
  if (!w.condition_expression.empty()) j.member("ConditionExpression", w.condition_expression);
  if (!w.names.empty()) {
    j.key("ExpressionAttributeNames").begin_object();
    for (auto const& [placeholder, name] : w.names) j.member(placeholder, name);
    j.end_object();
  }
  if (!w.values.empty()) {
    j.key("ExpressionAttributeValues");
    codecs::write_item(j, w.values);
  }
  j.end_object();
  return out;
}

std::string render_batch_put_body(std::string const& table, std::span<codecs::item const* const> items)
{
  std::string out;
  // One allocation in the common case instead of a doubling series (each
  // step past 1 KiB is a slow path of the allocator).
  out.reserve(64 + table.size() + items.size() * 320);
  json_writer j(out);
  j.begin_object();
  j.key("RequestItems").begin_object();
  j.key(table).begin_array();
  for (auto const* it : items) {
    j.begin_object().key("PutRequest").begin_object().key("Item");
    codecs::write_item(j, *it);
    j.end_object().end_object();
  }
  j.end_array();
  j.end_object();
  j.end_object();
  return out;
}

asio::awaitable<aws::aws_result<void>> dynamo_client::write(dynamo_write const& w)
{
  auto body = render_write_body(w);
  auto r = co_await transport_->call(verb_name(w.op), body);
  if (!r) co_return r.error();
  co_return aws::aws_result<void>{};
}

asio::awaitable<aws::aws_result<std::vector<std::size_t>>> dynamo_client::batch_put(
    std::string const& table, key_schema const& keys, std::span<codecs::item const* const> items)
{
  auto body = render_batch_put_body(table, items);
  auto r = co_await transport_->call("BatchWriteItem", body);
  if (!r) co_return r.error();

  // {"UnprocessedItems":{"t":[{"PutRequest":{"Item":{...}}}]}}: match each
  // returned item to ours by its key attributes.
  std::vector<std::size_t> unprocessed;
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(r->body));
  simdjson::ondemand::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) co_return malformed("BatchWriteItem: response is not an object");
  simdjson::ondemand::object pending;
  auto field = root.find_field_unordered("UnprocessedItems");
  if (field.error() == simdjson::NO_SUCH_FIELD) co_return unprocessed;
  if (field.get_object().get(pending) != simdjson::SUCCESS) co_return malformed("BatchWriteItem: UnprocessedItems");
  for (auto entry : pending) {
    simdjson::ondemand::array requests;
    if (entry.value().get_array().get(requests) != simdjson::SUCCESS)
      co_return malformed("BatchWriteItem: UnprocessedItems entry");
    for (auto req : requests) {
      simdjson::ondemand::object item_obj;
      if (req["PutRequest"]["Item"].get_object().get(item_obj) != simdjson::SUCCESS)
        co_return malformed("BatchWriteItem: UnprocessedItems PutRequest");
      auto item = codecs::parse_item(item_obj, "UnprocessedItems.Item");
      if (!item) co_return malformed("BatchWriteItem: " + item.error().message());
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto const& ours = *items[i];
        auto same = [&](std::string const& k) {
          if (k.empty()) return true;
          auto a = ours.find(k);
          auto b = item->find(k);
          return a != ours.end() && b != item->end() && a->second == b->second;
        };
        if (same(keys.hash_key) && same(keys.range_key)) {
          unprocessed.push_back(i);
          break;
        }
      }
    }
  }
  co_return unprocessed;
}

asio::awaitable<aws::aws_result<std::optional<codecs::item>>> dynamo_client::get_item(std::string const& table,
                                                                                      codecs::item const& key,
                                                                                      bool consistent)
{
  std::string body;
  json_writer j(body);
  j.begin_object().member("TableName", table).key("Key");
  codecs::write_item(j, key);
  j.member("ConsistentRead", consistent);
  j.end_object();
  auto r = co_await transport_->call("GetItem", body);
  if (!r) co_return r.error();
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(r->body));
  simdjson::ondemand::object root;
  if (doc.get_object().get(root) != simdjson::SUCCESS) co_return malformed("GetItem: response is not an object");
  simdjson::ondemand::object item_obj;
  auto field = root.find_field_unordered("Item");
  if (field.error() == simdjson::NO_SUCH_FIELD) co_return std::optional<codecs::item>{};
  if (field.get_object().get(item_obj) != simdjson::SUCCESS) co_return malformed("GetItem: Item");
  auto item = codecs::parse_item(item_obj);
  if (!item) co_return malformed("GetItem: " + item.error().message());
  co_return std::optional<codecs::item>(std::move(*item));
}

asio::awaitable<aws::aws_result<std::vector<codecs::item>>> dynamo_client::scan(std::string const& table)
{
  std::vector<codecs::item> out;
  std::optional<codecs::item> start;
  for (;;) {
    std::string body;
    json_writer j(body);
    j.begin_object().member("TableName", table).member("ConsistentRead", true);
    if (start) {
      j.key("ExclusiveStartKey");
      codecs::write_item(j, *start);
    }
    j.end_object();
    auto r = co_await transport_->call("Scan", body);
    if (!r) co_return r.error();
    start.reset();
    auto& parser = codecs::thread_json_parser();
    auto doc = parser.iterate(codecs::padded(r->body));
    simdjson::ondemand::object root;
    if (doc.get_object().get(root) != simdjson::SUCCESS) co_return malformed("Scan: response is not an object");
    for (auto field : root) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) co_return malformed("Scan: key");
      if (key == "Items") {
        simdjson::ondemand::array items;
        if (field.value().get_array().get(items) != simdjson::SUCCESS) co_return malformed("Scan: Items");
        for (auto v : items) {
          simdjson::ondemand::object o;
          if (v.get_object().get(o) != simdjson::SUCCESS) co_return malformed("Scan: Items entry");
          auto item = codecs::parse_item(o, "Scan.Items");
          if (!item) co_return malformed("Scan: " + item.error().message());
          out.push_back(std::move(*item));
        }
      } else if (key == "LastEvaluatedKey") {
        simdjson::ondemand::object o;
        if (field.value().get_object().get(o) != simdjson::SUCCESS) co_return malformed("Scan: LastEvaluatedKey");
        auto item = codecs::parse_item(o, "LastEvaluatedKey");
        if (!item) co_return malformed("Scan: " + item.error().message());
        start = std::move(*item);
      }
    }
    if (!start) co_return out;
  }
}

asio::awaitable<aws::aws_result<std::string>> dynamo_client::table_status(std::string const& table)
{
  std::string body;
  json_writer(body).begin_object().member("TableName", table).end_object();
  auto r = co_await transport_->call("DescribeTable", body);
  if (!r) co_return r.error();
  auto& parser = codecs::thread_json_parser();
  auto doc = parser.iterate(codecs::padded(r->body));
  std::string_view status;
  if (doc["Table"]["TableStatus"].get_string().get(status) != simdjson::SUCCESS)
    co_return malformed("DescribeTable: Table.TableStatus");
  co_return std::string(status);
}

asio::awaitable<aws::aws_result<void>> dynamo_client::create_table(std::string const& table, key_schema const& keys)
{
  std::string body;
  json_writer j(body);
  j.begin_object().member("TableName", table);
  j.key("AttributeDefinitions").begin_array();
  j.begin_object().member("AttributeName", keys.hash_key).member("AttributeType", keys.hash_type).end_object();
  if (!keys.range_key.empty())
    j.begin_object().member("AttributeName", keys.range_key).member("AttributeType", keys.range_type).end_object();
  j.end_array();
  j.key("KeySchema").begin_array();
  j.begin_object().member("AttributeName", keys.hash_key).member("KeyType", "HASH").end_object();
  if (!keys.range_key.empty())
    j.begin_object().member("AttributeName", keys.range_key).member("KeyType", "RANGE").end_object();
  j.end_array();
  j.member("BillingMode", "PAY_PER_REQUEST");
  j.end_object();
  auto r = co_await transport_->call("CreateTable", body);
  if (!r) co_return r.error();
  co_return aws::aws_result<void>{};
}

asio::awaitable<aws::aws_result<void>> dynamo_client::ensure_table(std::string const& table, key_schema const& keys,
                                                                   std::chrono::milliseconds timeout)
{
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto status = co_await table_status(table);
  if (!status && status.error().is("ResourceNotFoundException")) {
    auto created = co_await create_table(table, keys);
    // Another worker may have created it between our two calls.
    if (!created && !created.error().is("ResourceInUseException")) co_return created.error();
    status = co_await table_status(table);
  }
  for (;;) {
    if (!status) co_return status.error();
    if (*status == "ACTIVE") co_return aws::aws_result<void>{};
    if (std::chrono::steady_clock::now() > deadline)
      co_return aws::make_aws_error(aws::errc::malformed_response, "table " + table + " did not become ACTIVE (status " + *status + ")");
    auto [ec] = co_await engine::async_sleep(std::chrono::milliseconds(100), asio::as_tuple(asio::use_awaitable));
    if (ec) co_return aws::make_aws_error(aws::errc::malformed_response, "stopped waiting for table " + table);
    status = co_await table_status(table);
  }
}

}  // namespace kinesys::consumer
