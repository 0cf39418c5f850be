#pragma once
// The DynamoDB calls the consumer makes, over the engine's signed JSON
// transport: conditional PutItem/UpdateItem/DeleteItem from a dynamo_write,
// BatchWriteItem (reporting which items came back unprocessed), GetItem,
// Scan (the lease table), DescribeTable and CreateTable.
//
// Retries are the caller's business for data writes (the writer counts
// attempts per record, bisects and dead-letters), so the transport given
// here for writes is usually built with max_attempts = 1.
#include <kinesys/detail/consumer/lease.hpp>

#include <kinesys/detail/codecs/attribute_value.hpp>
#include <kinesys/detail/engine/aws/call.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kinesys::consumer {

namespace aws = engine::aws;

inline constexpr std::string_view conditional_check_failed = "ConditionalCheckFailedException";

/// A table's key schema, for CreateTable and for matching unprocessed items.
struct key_schema {
  std::string hash_key;
  std::string hash_type = "S";
  std::string range_key;  ///< empty: none
  std::string range_type = "S";
};

/// @locality owning core (of the transport)
class dynamo_client {
public:
  explicit dynamo_client(aws::aws_json_client& transport) : transport_(&transport) {}

  /// One conditional write. A refused condition is an aws_error with code
  /// ConditionalCheckFailedException.
  boost::asio::awaitable<aws::aws_result<void>> write(dynamo_write const& w);

  /// BatchWriteItem of up to 25 puts to one table. Returns the indexes (into
  /// `items`) that came back in UnprocessedItems, matched by key.
  boost::asio::awaitable<aws::aws_result<std::vector<std::size_t>>> batch_put(std::string const& table,
                                                                              key_schema const& keys,
                                                                              std::span<codecs::item const* const> items);

  /// GetItem; nullopt if there is no such item.
  boost::asio::awaitable<aws::aws_result<std::optional<codecs::item>>> get_item(std::string const& table,
                                                                                codecs::item const& key,
                                                                                bool consistent = true);

  /// Every item of the table (Scan, all pages, consistent reads).
  boost::asio::awaitable<aws::aws_result<std::vector<codecs::item>>> scan(std::string const& table);

  /// The TableStatus ("ACTIVE", "CREATING", ...); ResourceNotFoundException if absent.
  boost::asio::awaitable<aws::aws_result<std::string>> table_status(std::string const& table);

  /// CreateTable with on-demand billing. ResourceInUseException if it exists.
  boost::asio::awaitable<aws::aws_result<void>> create_table(std::string const& table, key_schema const& keys);

  /// Creates the table unless it exists, then waits (polling) until ACTIVE.
  boost::asio::awaitable<aws::aws_result<void>> ensure_table(std::string const& table, key_schema const& keys,
                                                             std::chrono::milliseconds timeout = std::chrono::seconds(60));

  aws::aws_json_client& transport() noexcept { return *transport_; }

private:
  aws::aws_json_client* transport_;
  std::string body_;
};

/// The request bodies, exposed for tests.
std::string render_write_body(dynamo_write const& w);
std::string render_batch_put_body(std::string const& table, std::span<codecs::item const* const> items);

}  // namespace kinesys::consumer
