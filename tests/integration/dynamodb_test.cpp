// Every typed DynamoDB call but TransactWriteItems, round-tripped against
// dynalite (transactions: dynamodb_transactions_test.cpp, DynamoDB Local).
#include <kinesys/detail/engine/aws/dynamodb_client.hpp>

#include "aws_peer.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

namespace asio = boost::asio;
namespace aws = kinesys::engine::aws;
namespace codecs = kinesys::codecs;
using kinesys::test::run_on;

namespace {

codecs::attribute_value n(std::int64_t v) { return codecs::attribute_value::number(v); }

class dynamodb_against_dynalite : public testing::Test {
protected:
  static void SetUpTestSuite() {
    if (kinesys::test::peers_unavailable_reason().empty()) server_ = kinesys::test::start_dynalite();
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    KINESYS_REQUIRE_PEERS();
    ASSERT_TRUE(server_.has_value()) << "dynalite did not start";
    http_.emplace(context_.get_executor());
    ddb_.emplace(*http_, kinesys::engine::endpoint::parse(server_->endpoint()).value(),
                 kinesys::test::peer_credentials(), "us-east-1");
  }

  template <class T>
  T run(asio::awaitable<T> coroutine) {
    return run_on(context_, std::move(coroutine));
  }

  /// A table keyed by pk (S) and sk (N), ACTIVE.
  std::string make_table() {
    std::string const name = kinesys::test::unique_name("kinesys-it");
    aws::create_table_request request;
    request.table_name = name;
    request.attribute_definitions = {{"pk", aws::scalar_type::s}, {"sk", aws::scalar_type::n}};
    request.key_schema = {{"pk", aws::key_type::hash}, {"sk", aws::key_type::range}};
    auto created = run(ddb_->create_table(request));
    EXPECT_TRUE(created.has_value()) << created.error();
    auto active = run(ddb_->wait_for_table(name));
    EXPECT_TRUE(active.has_value()) << active.error();
    return name;
  }

  static inline std::optional<kinesys::test::peer_server> server_;
  asio::io_context context_{1};
  std::optional<kinesys::engine::http_client> http_;
  std::optional<aws::dynamodb_client> ddb_;
};

TEST_F(dynamodb_against_dynalite, a_created_table_is_described_with_its_keys_and_can_be_deleted) {
  std::string const table = make_table();
  auto described = run(ddb_->describe_table(table));
  ASSERT_TRUE(described.has_value()) << described.error();
  EXPECT_EQ(described->table_name, table);
  EXPECT_EQ(described->status, aws::table_status::active);
  EXPECT_EQ(described->key_schema,
            (std::vector<aws::key_schema_element>{{"pk", aws::key_type::hash}, {"sk", aws::key_type::range}}));
  EXPECT_EQ(described->attribute_definitions,
            (std::vector<aws::attribute_definition>{{"pk", aws::scalar_type::s}, {"sk", aws::scalar_type::n}}));
  EXPECT_EQ(described->billing, aws::billing_mode::pay_per_request);
  EXPECT_NE(described->table_arn.find(table), std::string::npos);

  auto deleted = run(ddb_->delete_table(table));
  ASSERT_TRUE(deleted.has_value()) << deleted.error();
  EXPECT_EQ(deleted->table_name, table);
  aws::aws_result<aws::table_description> after = aws::table_description{};
  for (int i = 0; i < 100 && after.has_value(); ++i) after = run(ddb_->describe_table(table));
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code, "ResourceNotFoundException");
}

TEST_F(dynamodb_against_dynalite, put_then_get_round_trips_every_attribute_type) {
  std::string const table = make_table();
  codecs::item const item{
      {"pk", "user#1"},
      {"sk", n(1)},
      {"s", "text with \"quotes\" and \xc3\xa9"},
      {"n", codecs::attribute_value::number("-12.500")},
      {"b", codecs::attribute_value::binary(std::string("\x00\x01\xff", 3))},
      {"bool", true},
      {"null", codecs::null_value{}},
      {"m", codecs::attribute_map{{"inner", "v"}, {"deep", codecs::attribute_map{{"x", n(7)}}}}},
      {"l", codecs::attribute_list{"a", n(2), false}},
      {"ss", codecs::string_set{{"x", "y"}}},
      {"ns", codecs::number_set{{"1", "2.5"}}},
      {"bs", codecs::binary_set{{std::string("\x01", 1), std::string("\x02", 1)}}},
  };
  auto put = run(ddb_->put_item({table, item, {}, aws::return_values::none}));
  ASSERT_TRUE(put.has_value()) << put.error();
  EXPECT_FALSE(put->attributes.has_value());

  auto got = run(ddb_->get_item({table, {{"pk", "user#1"}, {"sk", n(1)}}, true, {}, {}}));
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_TRUE(got->item.has_value());
  codecs::item expected = item;
  // DynamoDB normalises numbers: -12.500 comes back as -12.5.
  expected["n"] = codecs::attribute_value::number("-12.5");
  EXPECT_EQ(*got->item, expected);
}

TEST_F(dynamodb_against_dynalite, get_of_a_missing_key_has_no_item) {
  std::string const table = make_table();
  auto got = run(ddb_->get_item({table, {{"pk", "nobody"}, {"sk", n(0)}}, false, {}, {}}));
  ASSERT_TRUE(got.has_value()) << got.error();
  EXPECT_FALSE(got->item.has_value());
}

TEST_F(dynamodb_against_dynalite, get_item_applies_the_projection_with_names) {
  std::string const table = make_table();
  ASSERT_TRUE(run(ddb_->put_item({table, {{"pk", "p"}, {"sk", n(1)}, {"a", "1"}, {"b", "2"}}, {}, {}})).has_value());
  auto got = run(ddb_->get_item({table, {{"pk", "p"}, {"sk", n(1)}}, false, "#a", {{"#a", "a"}}}));
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_TRUE(got->item.has_value());
  EXPECT_EQ(*got->item, (codecs::item{{"a", "1"}}));
}

TEST_F(dynamodb_against_dynalite, a_failed_put_condition_is_conditional_check_failed_and_all_old_returns_the_old_item) {
  std::string const table = make_table();
  aws::condition const only_new{"attribute_not_exists(pk)", {}, {}};
  codecs::item const first{{"pk", "k"}, {"sk", n(1)}, {"v", "first"}};
  ASSERT_TRUE(run(ddb_->put_item({table, first, only_new, {}})).has_value());

  auto again = run(ddb_->put_item({table, {{"pk", "k"}, {"sk", n(1)}, {"v", "second"}}, only_new, {}}));
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, "ConditionalCheckFailedException");
  EXPECT_EQ(again.error().http_status, 400u);
  EXPECT_EQ(again.error().kind, kinesys::engine::failure_class::permanent);

  auto overwrite = run(ddb_->put_item({table, {{"pk", "k"}, {"sk", n(1)}, {"v", "third"}}, {}, aws::return_values::all_old}));
  ASSERT_TRUE(overwrite.has_value()) << overwrite.error();
  ASSERT_TRUE(overwrite->attributes.has_value());
  EXPECT_EQ(*overwrite->attributes, first);
}

TEST_F(dynamodb_against_dynalite, update_item_evaluates_the_expression_with_names_values_and_conditions) {
  std::string const table = make_table();
  codecs::item const key{{"pk", "counter"}, {"sk", n(1)}};
  aws::update_item_request bump;
  bump.table_name = table;
  bump.key = key;
  bump.update_expression = "SET #c = if_not_exists(#c, :zero) + :one, #seen = list_append(if_not_exists(#seen, :empty), :tag)";
  bump.when.names = {{"#c", "count"}, {"#seen", "seen"}};
  bump.when.values = {{":zero", n(0)}, {":one", n(1)}, {":empty", codecs::attribute_list{}},
                      {":tag", codecs::attribute_list{"t"}}};
  bump.returns = aws::return_values::updated_new;
  for (int i = 1; i <= 3; ++i) {
    auto updated = run(ddb_->update_item(bump));
    ASSERT_TRUE(updated.has_value()) << updated.error();
    ASSERT_TRUE(updated->attributes.has_value());
    EXPECT_EQ(updated->attributes->at("count"), n(i));
  }

  // An idempotent-write guard: only move forward.
  aws::update_item_request guarded;
  guarded.table_name = table;
  guarded.key = key;
  guarded.update_expression = "SET #pos = :pos";
  guarded.when = {"attribute_not_exists(#pos) OR #pos < :pos", {{"#pos", "position"}}, {{":pos", n(10)}}};
  ASSERT_TRUE(run(ddb_->update_item(guarded)).has_value());
  auto replay = run(ddb_->update_item(guarded));
  ASSERT_FALSE(replay.has_value());
  EXPECT_EQ(replay.error().code, "ConditionalCheckFailedException");
}

TEST_F(dynamodb_against_dynalite, delete_item_honours_its_condition_and_returns_the_deleted_item) {
  std::string const table = make_table();
  codecs::item const it{{"pk", "d"}, {"sk", n(1)}, {"state", "done"}};
  ASSERT_TRUE(run(ddb_->put_item({table, it, {}, {}})).has_value());
  codecs::item const key{{"pk", "d"}, {"sk", n(1)}};

  auto refused = run(ddb_->delete_item({table, key, {"#s = :s", {{"#s", "state"}}, {{":s", "open"}}}, {}}));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, "ConditionalCheckFailedException");

  auto deleted =
      run(ddb_->delete_item({table, key, {"#s = :s", {{"#s", "state"}}, {{":s", "done"}}}, aws::return_values::all_old}));
  ASSERT_TRUE(deleted.has_value()) << deleted.error();
  ASSERT_TRUE(deleted->attributes.has_value());
  EXPECT_EQ(*deleted->attributes, it);
  auto got = run(ddb_->get_item({table, key, true, {}, {}}));
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->item.has_value());
}

TEST_F(dynamodb_against_dynalite, query_pages_with_last_evaluated_key_and_query_all_collects_every_page) {
  std::string const table = make_table();
  aws::batch_write_item_request batch;
  for (int i = 0; i < 25; ++i)
    batch.request_items[table].push_back(aws::write_request::put({{"pk", "q"}, {"sk", n(i)}, {"i", n(i)}}));
  auto written = run(ddb_->batch_write_item(batch));
  ASSERT_TRUE(written.has_value()) << written.error();
  ASSERT_TRUE(written->complete());

  aws::query_request request;
  request.table_name = table;
  request.key_condition_expression = "#pk = :pk AND #sk >= :from";
  request.names = {{"#pk", "pk"}, {"#sk", "sk"}};
  request.values = {{":pk", "q"}, {":from", n(5)}};
  request.limit = 8;
  int pages = 0;
  std::vector<codecs::item> items;
  for (;;) {
    auto page = run(ddb_->query(request));
    ASSERT_TRUE(page.has_value()) << page.error();
    ++pages;
    items.insert(items.end(), page->items.begin(), page->items.end());
    if (!page->last_evaluated_key) break;
    EXPECT_EQ(page->last_evaluated_key->at("pk"), codecs::attribute_value("q"));
    request.exclusive_start_key = page->last_evaluated_key;
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(items.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(items[static_cast<std::size_t>(i)].at("sk"), n(i + 5));

  request.exclusive_start_key.reset();
  request.scan_index_forward = false;
  auto all = run(ddb_->query_all(request));
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->items.size(), 20u);
  EXPECT_EQ(all->count, 20);
  EXPECT_EQ(all->items.front().at("sk"), n(24));
  EXPECT_FALSE(all->last_evaluated_key.has_value());
}

TEST_F(dynamodb_against_dynalite, batch_write_puts_and_deletes_and_refuses_more_than_25_writes) {
  std::string const table = make_table();
  ASSERT_TRUE(run(ddb_->put_item({table, {{"pk", "gone"}, {"sk", n(0)}}, {}, {}})).has_value());
  aws::batch_write_item_request batch;
  for (int i = 0; i < 24; ++i) batch.request_items[table].push_back(aws::write_request::put({{"pk", "b"}, {"sk", n(i)}}));
  batch.request_items[table].push_back(aws::write_request::erase({{"pk", "gone"}, {"sk", n(0)}}));
  auto written = run(ddb_->batch_write_item(batch));
  ASSERT_TRUE(written.has_value()) << written.error();
  EXPECT_TRUE(written->complete());
  auto gone = run(ddb_->get_item({table, {{"pk", "gone"}, {"sk", n(0)}}, true, {}, {}}));
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->item.has_value());
  auto present = run(ddb_->get_item({table, {{"pk", "b"}, {"sk", n(23)}}, true, {}, {}}));
  ASSERT_TRUE(present.has_value());
  EXPECT_TRUE(present->item.has_value());

  batch.request_items[table].push_back(aws::write_request::put({{"pk", "b"}, {"sk", n(99)}}));
  auto too_many = run(ddb_->batch_write_item(batch));
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().error, aws::errc::invalid_request);
}

TEST_F(dynamodb_against_dynalite, an_item_without_its_key_is_a_validation_error_with_the_service_message) {
  std::string const table = make_table();
  auto put = run(ddb_->put_item({table, {{"pk", "only-hash"}}, {}, {}}));
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, "ValidationException");
  EXPECT_FALSE(put.error().message.empty());
  EXPECT_EQ(put.error().attempts, 1u);
}

TEST_F(dynamodb_against_dynalite, operations_on_a_missing_table_are_resource_not_found) {
  auto got = run(ddb_->get_item({"kinesys-no-such-table", {{"pk", "x"}, {"sk", n(1)}}, false, {}, {}}));
  ASSERT_FALSE(got.has_value());
  EXPECT_EQ(got.error().code, "ResourceNotFoundException");
}

}  // namespace
