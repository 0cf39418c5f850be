#pragma once
// The JSON bodies of the DynamoDB calls, without I/O: encoders that enforce
// the API's batch limits and decoders of 2xx bodies. dynamodb_client uses
// them; they are public for tests and benchmarks.
#include <kinesys/detail/engine/aws/call.hpp>
#include <kinesys/detail/engine/aws/dynamodb_types.hpp>

#include <string>

namespace kinesys::engine::aws {

inline constexpr std::size_t max_batch_write_items = 25;
inline constexpr std::size_t max_transact_write_items = 100;

void write_create_table(std::string& out, create_table_request const& r);
void write_table_name(std::string& out, std::string_view table_name);  ///< DescribeTable, DeleteTable
void write_put_item(std::string& out, put_item_request const& r);
void write_update_item(std::string& out, update_item_request const& r);
void write_delete_item(std::string& out, delete_item_request const& r);
void write_get_item(std::string& out, get_item_request const& r);
void write_query(std::string& out, query_request const& r);
aws_result<void> write_batch_write_item(std::string& out, batch_write_item_request const& r);
aws_result<void> write_transact_write_items(std::string& out, transact_write_items_request const& r);

/// CreateTable ("TableDescription"), DescribeTable ("Table"), DeleteTable ("TableDescription").
aws_result<table_description> parse_table_description(std::string& body, std::string_view operation);
/// PutItem, UpdateItem, DeleteItem: the optional "Attributes".
aws_result<write_item_result> parse_write_item(std::string& body, std::string_view operation);
aws_result<get_item_result> parse_get_item(std::string& body);
aws_result<query_result> parse_query(std::string& body);
aws_result<batch_write_item_result> parse_batch_write_item(std::string& body);

}  // namespace kinesys::engine::aws
