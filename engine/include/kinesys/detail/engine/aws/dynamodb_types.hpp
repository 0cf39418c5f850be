#pragma once
// Request and result shapes of the DynamoDB calls kinesys makes, named after
// the API's fields. Items are codecs::item (the AttributeValue model).
#include <kinesys/detail/engine/aws/kinesis_types.hpp>  // timestamp

#include <kinesys/detail/codecs/attribute_value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kinesys::engine::aws {

using codecs::attribute_value;
using codecs::item;

/// ExpressionAttributeNames: "#n" -> attribute name.
using expression_names = std::map<std::string, std::string, std::less<>>;
/// ExpressionAttributeValues: ":v" -> value.
using expression_values = codecs::attribute_map;

enum class return_values { none, all_old, updated_old, all_new, updated_new };
enum class scalar_type { s, n, b };
enum class key_type { hash, range };
enum class billing_mode { pay_per_request, provisioned };
enum class table_status { creating, updating, deleting, active, inaccessible_encryption_credentials, archiving, archived, unknown };

struct attribute_definition {
  std::string name;
  scalar_type type = scalar_type::s;
  friend bool operator==(attribute_definition const&, attribute_definition const&) = default;
};

struct key_schema_element {
  std::string attribute_name;
  key_type type = key_type::hash;
  friend bool operator==(key_schema_element const&, key_schema_element const&) = default;
};

struct provisioned_throughput {
  std::int64_t read_capacity_units = 0;
  std::int64_t write_capacity_units = 0;
};

struct create_table_request {
  std::string table_name;
  std::vector<attribute_definition> attribute_definitions;
  std::vector<key_schema_element> key_schema;
  billing_mode billing = billing_mode::pay_per_request;
  std::optional<provisioned_throughput> throughput;  ///< required for provisioned
};

struct table_description {
  std::string table_name;
  std::string table_arn;
  table_status status = table_status::unknown;
  std::vector<attribute_definition> attribute_definitions;
  std::vector<key_schema_element> key_schema;
  std::int64_t item_count = 0;
  std::int64_t table_size_bytes = 0;
  billing_mode billing = billing_mode::provisioned;
  provisioned_throughput throughput;
  timestamp creation{};
};

/// The condition part shared by PutItem, UpdateItem, DeleteItem.
struct condition {
  std::string expression;    ///< ConditionExpression; empty for none
  expression_names names;    ///< ExpressionAttributeNames
  expression_values values;  ///< ExpressionAttributeValues
};

struct put_item_request {
  std::string table_name;
  codecs::item item;
  condition when;
  return_values returns = return_values::none;
};

struct update_item_request {
  std::string table_name;
  codecs::item key;
  std::string update_expression;
  condition when;  ///< its names and values also serve the update expression
  return_values returns = return_values::none;
};

struct delete_item_request {
  std::string table_name;
  codecs::item key;
  condition when;
  return_values returns = return_values::none;
};

/// Attributes that ReturnValues asked for (absent for NONE).
struct write_item_result {
  std::optional<codecs::item> attributes;
};

struct get_item_request {
  std::string table_name;
  codecs::item key;
  bool consistent_read = false;
  std::string projection_expression;
  expression_names names;
};

struct get_item_result {
  std::optional<codecs::item> item;  ///< nullopt when no item has the key
};

struct query_request {
  std::string table_name;
  std::string index_name;
  std::string key_condition_expression;
  std::string filter_expression;
  std::string projection_expression;
  expression_names names;
  expression_values values;
  std::optional<codecs::item> exclusive_start_key;
  std::optional<int> limit;
  bool scan_index_forward = true;
  bool consistent_read = false;
};

struct query_result {
  std::vector<codecs::item> items;
  std::int64_t count = 0;
  std::int64_t scanned_count = 0;
  std::optional<codecs::item> last_evaluated_key;  ///< set when more pages follow
};

/// One write of BatchWriteItem: a PutRequest (the item) or a DeleteRequest (the key).
struct write_request {
  bool is_delete = false;
  codecs::item item;  ///< Item for a put, Key for a delete

  static write_request put(codecs::item it) { return {false, std::move(it)}; }
  static write_request erase(codecs::item key) { return {true, std::move(key)}; }
  friend bool operator==(write_request const&, write_request const&) = default;
};

/// Table name -> writes.
using batch_writes = std::map<std::string, std::vector<write_request>, std::less<>>;

struct batch_write_item_request {
  batch_writes request_items;  ///< at most 25 writes in all
};

struct batch_write_item_result {
  /// What DynamoDB did not apply (throttling, capacity): resend these.
  batch_writes unprocessed_items;
  bool complete() const noexcept { return unprocessed_items.empty(); }
};

enum class transact_kind { put, update, erase, condition_check };

struct transact_write_item {
  transact_kind kind = transact_kind::put;
  std::string table_name;
  codecs::item item;              ///< Item for put, Key otherwise
  std::string update_expression;  ///< update only
  condition when;                 ///< required for condition_check
  /// ReturnValuesOnConditionCheckFailure=ALL_OLD: the failing item comes back
  /// in the cancellation reason.
  bool return_old_on_condition_failure = false;
};

struct transact_write_items_request {
  std::vector<transact_write_item> items;  ///< 1..100
  std::string client_request_token;        ///< idempotency token, optional
};

std::string_view to_string(table_status s) noexcept;

}  // namespace kinesys::engine::aws
