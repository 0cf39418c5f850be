// The DynamoDB API of kinesys-local through the dispatcher: tables, item
// writes with conditions and updates, queries, batches, transactions and
// provisioned capacity with a manual clock.
#include "dynamo/dynamo_service.hpp"

#include "local_test_support.hpp"

#include <gtest/gtest.h>

namespace kinesys::local::test {
namespace {

class dynamo_api : public ::testing::Test {
protected:
  void SetUp() override
  {
    auto kv = m.dynamo("CreateTable", R"({"TableName":"kvs","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})");
    ASSERT_TRUE(kv.ok()) << kv.status << " " << kv.error_type << " " << kv.body;
    ASSERT_TRUE(m.dynamo("CreateTable", R"({"TableName":"events","AttributeDefinitions":[{"AttributeName":"dev","AttributeType":"S"},
      {"AttributeName":"ts","AttributeType":"N"}],"KeySchema":[{"AttributeName":"dev","KeyType":"HASH"},{"AttributeName":"ts","KeyType":"RANGE"}],
      "BillingMode":"PAY_PER_REQUEST"})").ok());
  }
  answer put(std::string item, std::string extra = "") { return m.dynamo("PutItem", R"({"TableName":"kvs","Item":)" + item + extra + "}"); }
  answer get(std::string key) { return m.dynamo("GetItem", R"({"TableName":"kvs","Key":)" + key + R"(,"ConsistentRead":true})"); }
  answer update(std::string key, std::string rest) { return m.dynamo("UpdateItem", R"({"TableName":"kvs","Key":)" + key + "," + rest + "}"); }
  void put_event(int ts, std::string dev = "d1")
  {
    auto a = m.dynamo("PutItem", R"({"TableName":"events","Item":{"dev":{"S":")" + dev + R"("},"ts":{"N":")" + std::to_string(ts) + R"("},"v":{"S":"x"}}})");
    ASSERT_TRUE(a.ok()) << a.body;
  }
  std::vector<std::string> query_ts(std::string const& rest)
  {
    auto a = m.dynamo("Query", R"({"TableName":"events",)" + rest + "}");
    EXPECT_TRUE(a.ok()) << a.body;
    std::vector<std::string> out;
    if (!a.ok()) return out;
    for (auto it : simdjson::dom::array(a["Items"].get_array().value())) out.push_back(str(it["ts"]["N"]));
    return out;
  }
  local_model m;
};

TEST_F(dynamo_api, puts_and_gets_items_with_normalised_numbers)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"a"},"n":{"N":"1.50"},"l":{"L":[{"S":"x"},{"BOOL":true}]},"m":{"M":{"z":{"NULL":true}}},"ss":{"SS":["p","q"]}})").ok());
  auto g = get(R"({"pk":{"S":"a"}})");
  ASSERT_TRUE(g.ok()) << g.body;
  EXPECT_EQ(str(g["Item"]["n"]["N"]), "1.5");
  EXPECT_EQ(str(g["Item"]["l"]["L"].at(0)["S"]), "x");
  EXPECT_TRUE(bool(g["Item"]["m"]["M"]["z"]["NULL"]));
  auto missing = get(R"({"pk":{"S":"zz"}})");
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing["Item"].error());
}

TEST_F(dynamo_api, conditional_put_refuses_an_existing_item)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"c"},"v":{"N":"1"}})", R"(,"ConditionExpression":"attribute_not_exists(pk) ")").ok());
  auto again = put(R"({"pk":{"S":"c"},"v":{"N":"2"}})", R"(,"ConditionExpression":"attribute_not_exists(pk) ")");
  EXPECT_EQ(again.error_type, "ConditionalCheckFailedException");
  EXPECT_EQ(again.message(), "The conditional request failed");
  EXPECT_NE(again.body.find("com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"), std::string::npos);
  EXPECT_EQ(str(get(R"({"pk":{"S":"c"}})")["Item"]["v"]["N"]), "1");
}

TEST_F(dynamo_api, version_guarded_writes_apply_only_newer_versions)
{
  auto const cond = R"(,"ConditionExpression":"attribute_not_exists(pk) OR #v < :v","ExpressionAttributeNames":{"#v":"version"},"ExpressionAttributeValues":{":v":{"N":")";
  ASSERT_TRUE(put(R"({"pk":{"S":"k"},"version":{"N":"10"}})", std::string(cond) + R"(10"}})").ok());
  EXPECT_EQ(put(R"({"pk":{"S":"k"},"version":{"N":"9"}})", std::string(cond) + R"(9"}})").error_type, "ConditionalCheckFailedException");
  EXPECT_EQ(put(R"({"pk":{"S":"k"},"version":{"N":"10"}})", std::string(cond) + R"(10"}})").error_type, "ConditionalCheckFailedException");
  EXPECT_TRUE(put(R"({"pk":{"S":"k"},"version":{"N":"11"}})", std::string(cond) + R"(11"}})").ok());
}

TEST_F(dynamo_api, failed_condition_can_return_the_existing_item)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"r"},"v":{"N":"1"}})").ok());
  auto a = put(R"({"pk":{"S":"r"}})", R"(,"ConditionExpression":"attribute_not_exists(pk) ","ReturnValuesOnConditionCheckFailure":"ALL_OLD")");
  EXPECT_EQ(a.error_type, "ConditionalCheckFailedException");
  EXPECT_EQ(str(a["Item"]["v"]["N"]), "1");
}

TEST_F(dynamo_api, reports_undefined_and_unused_placeholders)
{
  auto unused = put(R"({"pk":{"S":"u"}})", R"(,"ConditionExpression":"attribute_not_exists(pk) ","ExpressionAttributeValues":{":x":{"N":"1"}})");
  EXPECT_EQ(unused.error_type, "ValidationException");
  EXPECT_EQ(unused.message(), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
  auto unused_name = put(R"({"pk":{"S":"u"}})", R"(,"ConditionExpression":"attribute_not_exists(pk) ","ExpressionAttributeNames":{"#a":"a"})");
  EXPECT_EQ(unused_name.message(), "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}");
  auto undefined = put(R"({"pk":{"S":"u"}})", R"(,"ConditionExpression":"#a = :b")");
  EXPECT_EQ(undefined.message(), "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a");
  auto no_expr = put(R"({"pk":{"S":"u"}})", R"(,"ExpressionAttributeValues":{":x":{"N":"1"}})");
  EXPECT_EQ(no_expr.message(), "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null");
  auto syntax = put(R"({"pk":{"S":"u"}})", R"(,"ConditionExpression":"a = ")");
  EXPECT_EQ(syntax.message(), "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\"");
}

TEST_F(dynamo_api, validates_items_and_keys)
{
  EXPECT_EQ(put(R"({"x":{"S":"a"}})").message(), "One or more parameter values were invalid: Missing the key pk in the item");
  EXPECT_EQ(put(R"({"pk":{"N":"1"}})").message(), "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
  EXPECT_EQ(put(R"({"pk":{"S":""}})").error_type, "ValidationException");
  EXPECT_EQ(put(R"({"pk":{"S":"a"},"s":{"SS":["x","x"]}})").message(), "One or more parameter values were invalid: Input collection [x, x] contains duplicates.");
  EXPECT_EQ(put(R"({"pk":{"S":"a"},"s":{}})").message(), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
  EXPECT_EQ(put(R"({"pk":{"S":"a"},"n":{"N":"x"}})").message(), "The parameter cannot be converted to a numeric value");
  EXPECT_EQ(put(R"({"pk":{"S":"big"},"d":{"S":")" + std::string(400 * 1024, 'x') + "\"}}").message(), "Item size has exceeded the maximum allowed size");
  EXPECT_EQ(get(R"({"pk":{"S":"a"},"extra":{"S":"b"}})").message(), "The provided key element does not match the schema");
  EXPECT_EQ(m.dynamo("PutItem", R"({"TableName":"nope","Item":{"pk":{"S":"a"}}})").error_type, "ResourceNotFoundException");
}

TEST_F(dynamo_api, update_sets_adds_removes_and_deletes)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"u"},"n":{"N":"5"},"s":{"SS":["a","b"]},"s2":{"SS":["a","b"]},"l":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"l2":{"L":[{"N":"1"},{"N":"2"},{"N":"3"}]},"gone":{"S":"x"}})").ok());
  auto a = update(R"({"pk":{"S":"u"}})", R"("UpdateExpression":"SET n = n + :one, c = if_not_exists(c, :zero) + :one, l = list_append(l, :more), m = :map REMOVE gone, l2[0] ADD tally :ten, s :t DELETE s2 :a",
    "ExpressionAttributeValues":{":one":{"N":"1"},":zero":{"N":"0"},":more":{"L":[{"N":"4"}]},":map":{"M":{"k":{"S":"v"}}},":ten":{"N":"10"},":t":{"SS":["c"]},":a":{"SS":["a"]}},
    "ReturnValues":"ALL_NEW")");
  ASSERT_TRUE(a.ok()) << a.body;
  auto const& item = a["Attributes"];
  EXPECT_EQ(str(item["n"]["N"]), "6");
  EXPECT_EQ(str(item["c"]["N"]), "1");
  EXPECT_EQ(str(item["tally"]["N"]), "10");
  EXPECT_TRUE(item["gone"].error());
  auto l = item["l"]["L"].get_array().value();
  ASSERT_EQ(l.size(), 4u);  // [1,2,3] + [4]
  EXPECT_EQ(str(l.at(3)["N"]), "4");
  auto l2 = item["l2"]["L"].get_array().value();
  ASSERT_EQ(l2.size(), 2u);  // element 0 removed
  EXPECT_EQ(str(l2.at(0)["N"]), "2");
  EXPECT_EQ(item["s"]["SS"].get_array().value().size(), 3u);   // {a,b} + {c}
  EXPECT_EQ(item["s2"]["SS"].get_array().value().size(), 1u);  // {a,b} - {a}
  EXPECT_EQ(str(item["m"]["M"]["k"]["S"]), "v");
}

TEST_F(dynamo_api, update_reports_type_errors_and_key_changes)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"t"},"s":{"S":"text"}})").ok());
  auto arith = update(R"({"pk":{"S":"t"}})", R"("UpdateExpression":"SET s = s + :one","ExpressionAttributeValues":{":one":{"N":"1"}})");
  EXPECT_EQ(arith.error_type, "ValidationException");
  auto missing = update(R"({"pk":{"S":"t"}})", R"("UpdateExpression":"SET x = nope + :one","ExpressionAttributeValues":{":one":{"N":"1"}})");
  EXPECT_EQ(missing.message(), "Invalid UpdateExpression: The provided expression refers to an attribute that does not exist in the item");
  auto key = update(R"({"pk":{"S":"t"}})", R"("UpdateExpression":"SET pk = :v","ExpressionAttributeValues":{":v":{"S":"x"}})");
  EXPECT_EQ(key.message(), "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key");
  auto add_string = update(R"({"pk":{"S":"t"}})", R"("UpdateExpression":"ADD s :v","ExpressionAttributeValues":{":v":{"S":"x"}})");
  EXPECT_EQ(add_string.message(), "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING");
}

TEST_F(dynamo_api, update_creates_the_item_and_returns_updated_values)
{
  auto a = update(R"({"pk":{"S":"new"}})", R"("UpdateExpression":"ADD hits :one","ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_NEW")");
  ASSERT_TRUE(a.ok()) << a.body;
  EXPECT_EQ(str(a["Attributes"]["hits"]["N"]), "1");
  auto b = update(R"({"pk":{"S":"new"}})", R"("UpdateExpression":"ADD hits :one","ExpressionAttributeValues":{":one":{"N":"1"}},"ReturnValues":"UPDATED_OLD")");
  EXPECT_EQ(str(b["Attributes"]["hits"]["N"]), "1");
  EXPECT_EQ(str(get(R"({"pk":{"S":"new"}})")["Item"]["hits"]["N"]), "2");
}

TEST_F(dynamo_api, query_walks_a_partition_by_sort_key)
{
  for (int ts : {5, 1, 30, 12, 7}) put_event(ts);
  put_event(3, "d2");
  auto const kc = R"("KeyConditionExpression":"dev = :d","ExpressionAttributeValues":{":d":{"S":"d1"}})";
  EXPECT_EQ(query_ts(kc), (std::vector<std::string>{"1", "5", "7", "12", "30"}));
  EXPECT_EQ(query_ts(std::string(kc) + R"(,"ScanIndexForward":false)"), (std::vector<std::string>{"30", "12", "7", "5", "1"}));
  EXPECT_EQ(query_ts(R"("KeyConditionExpression":"dev = :d AND ts BETWEEN :a AND :b","ExpressionAttributeValues":{":d":{"S":"d1"},":a":{"N":"5"},":b":{"N":"12"}})"),
            (std::vector<std::string>{"5", "7", "12"}));
  EXPECT_EQ(query_ts(R"("KeyConditionExpression":"dev = :d AND ts > :a","ExpressionAttributeValues":{":d":{"S":"d1"},":a":{"N":"7"}},"ScanIndexForward":false)"),
            (std::vector<std::string>{"30", "12"}));
  EXPECT_EQ(query_ts(R"("KeyConditionExpression":"dev = :d","FilterExpression":"ts >= :a","ExpressionAttributeValues":{":d":{"S":"d1"},":a":{"N":"10"}})"),
            (std::vector<std::string>{"12", "30"}));
}

TEST_F(dynamo_api, query_pages_with_limit_and_exclusive_start_key)
{
  for (int ts = 1; ts <= 7; ++ts) put_event(ts);
  std::vector<std::string> all;
  std::string start;
  int pages = 0;
  for (;;) {
    auto a = m.dynamo("Query", R"({"TableName":"events","KeyConditionExpression":"dev = :d","ExpressionAttributeValues":{":d":{"S":"d1"}},"Limit":3)" +
                                   (start.empty() ? "" : R"(,"ExclusiveStartKey":)" + start) + "}");
    ASSERT_TRUE(a.ok()) << a.body;
    ++pages;
    for (auto it : simdjson::dom::array(a["Items"].get_array().value())) all.push_back(str(it["ts"]["N"]));
    auto lek = a["LastEvaluatedKey"];
    if (lek.error()) break;
    start = simdjson::minify(lek.value());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(all, (std::vector<std::string>{"1", "2", "3", "4", "5", "6", "7"}));
}

TEST_F(dynamo_api, query_refuses_conditions_dynamodb_cannot_serve)
{
  auto no_hash = m.dynamo("Query", R"({"TableName":"events","KeyConditionExpression":"ts = :a","ExpressionAttributeValues":{":a":{"N":"1"}}})");
  EXPECT_EQ(no_hash.message(), "Query condition missed key schema element: dev");
  auto or_ = m.dynamo("Query", R"({"TableName":"events","KeyConditionExpression":"dev = :d OR ts = :a","ExpressionAttributeValues":{":d":{"S":"x"},":a":{"N":"1"}}})");
  EXPECT_EQ(or_.message(), "Invalid operator used in KeyConditionExpression: OR");
}

TEST_F(dynamo_api, scan_pages_through_every_item)
{
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(put(R"({"pk":{"S":"s)" + std::to_string(i) + R"("}})").ok());
  std::size_t seen = 0;
  std::string start;
  for (;;) {
    auto a = m.dynamo("Scan", R"({"TableName":"kvs","Limit":4)" + (start.empty() ? "" : R"(,"ExclusiveStartKey":)" + start) + "}");
    ASSERT_TRUE(a.ok()) << a.body;
    seen += a["Items"].get_array().value().size();
    auto lek = a["LastEvaluatedKey"];
    if (lek.error()) break;
    start = simdjson::minify(lek.value());
  }
  EXPECT_EQ(seen, 10u);
  auto count = m.dynamo("Scan", R"({"TableName":"kvs","Select":"COUNT"})");
  EXPECT_EQ(int64_t(count["Count"]), 10);
  EXPECT_TRUE(count["Items"].error());
}

TEST_F(dynamo_api, batch_write_and_get)
{
  std::string writes;
  for (int i = 0; i < 25; ++i) writes += std::string(i ? "," : "") + R"({"PutRequest":{"Item":{"pk":{"S":"b)" + std::to_string(i) + R"("}}}})";
  auto w = m.dynamo("BatchWriteItem", R"({"RequestItems":{"kvs":[)" + writes + "]}}");
  ASSERT_TRUE(w.ok()) << w.body;
  EXPECT_EQ(simdjson::minify(w["UnprocessedItems"].value()), "{}");
  auto too_many = m.dynamo("BatchWriteItem", R"({"RequestItems":{"kvs":[)" + writes + R"(,{"PutRequest":{"Item":{"pk":{"S":"x"}}}}]}})");
  EXPECT_EQ(too_many.error_type, "ValidationException");
  auto dup = m.dynamo("BatchWriteItem", R"({"RequestItems":{"kvs":[{"PutRequest":{"Item":{"pk":{"S":"d"}}}},{"DeleteRequest":{"Key":{"pk":{"S":"d"}}}}]}})");
  EXPECT_EQ(dup.message(), "Provided list of item keys contains duplicates");
  auto g = m.dynamo("BatchGetItem", R"({"RequestItems":{"kvs":{"Keys":[{"pk":{"S":"b1"}},{"pk":{"S":"b2"}},{"pk":{"S":"none"}}]}}})");
  ASSERT_TRUE(g.ok()) << g.body;
  EXPECT_EQ(g["Responses"]["kvs"].get_array().value().size(), 2u);
}

TEST_F(dynamo_api, transactions_are_all_or_nothing)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"acct1"},"bal":{"N":"100"}})").ok());
  ASSERT_TRUE(put(R"({"pk":{"S":"acct2"},"bal":{"N":"0"}})").ok());
  auto const transfer = [&](std::string amount) {
    return m.dynamo("TransactWriteItems", R"({"TransactItems":[
      {"Update":{"TableName":"kvs","Key":{"pk":{"S":"acct1"}},"UpdateExpression":"SET bal = bal - :a","ConditionExpression":"bal >= :a","ExpressionAttributeValues":{":a":{"N":")" + amount + R"("}}}},
      {"Update":{"TableName":"kvs","Key":{"pk":{"S":"acct2"}},"UpdateExpression":"SET bal = bal + :a","ExpressionAttributeValues":{":a":{"N":")" + amount + R"("}}}},
      {"Put":{"TableName":"kvs","Item":{"pk":{"S":"log)" + amount + R"("}}}}]})");
  };
  ASSERT_TRUE(transfer("60").ok());
  auto refused = transfer("50");
  EXPECT_EQ(refused.error_type, "TransactionCanceledException");
  EXPECT_EQ(refused.message(), "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]");
  auto reasons = refused["CancellationReasons"].get_array().value();
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(str(reasons.at(0)["Code"]), "ConditionalCheckFailed");
  EXPECT_EQ(str(reasons.at(1)["Code"]), "None");
  EXPECT_EQ(str(get(R"({"pk":{"S":"acct1"}})")["Item"]["bal"]["N"]), "40");
  EXPECT_EQ(str(get(R"({"pk":{"S":"acct2"}})")["Item"]["bal"]["N"]), "60");
  EXPECT_TRUE(get(R"({"pk":{"S":"log50"}})")["Item"].error());
  auto same_item = m.dynamo("TransactWriteItems", R"({"TransactItems":[{"Put":{"TableName":"kvs","Item":{"pk":{"S":"x"}}}},{"Delete":{"TableName":"kvs","Key":{"pk":{"S":"x"}}}}]})");
  EXPECT_EQ(same_item.message(), "Transaction request cannot include multiple operations on one item");
}

TEST_F(dynamo_api, a_five_wcu_table_admits_about_five_writes_per_second)
{
  local_options o;
  o.dynamodb.burst_seconds = 1;
  local_model lm(o);
  ASSERT_TRUE(lm.dynamo("CreateTable", R"({"TableName":"slow","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}})").ok());
  int admitted = 0, throttled = 0;
  // Ten seconds of 50 attempts per second.
  for (int tick = 0; tick < 500; ++tick) {
    auto a = lm.dynamo("PutItem", R"({"TableName":"slow","Item":{"pk":{"S":"k)" + std::to_string(tick) + R"("}}})");
    if (a.ok()) ++admitted;
    else if (a.error_type == "ProvisionedThroughputExceededException") ++throttled;
    lm.clock().advance(std::chrono::milliseconds(20));
  }
  EXPECT_GE(admitted, 50);
  EXPECT_LE(admitted, 56);  // 5/s for 10 s plus the first second's bucket
  EXPECT_EQ(admitted + throttled, 500);
}

TEST_F(dynamo_api, batch_write_returns_throttled_entries_as_unprocessed)
{
  local_options o;
  o.dynamodb.burst_seconds = 1;
  local_model lm(o);
  ASSERT_TRUE(lm.dynamo("CreateTable", R"({"TableName":"slow","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5}})").ok());
  std::string writes;
  for (int i = 0; i < 20; ++i) writes += std::string(i ? "," : "") + R"({"PutRequest":{"Item":{"pk":{"S":"b)" + std::to_string(i) + R"("}}}})";
  auto w = lm.dynamo("BatchWriteItem", R"({"RequestItems":{"slow":[)" + writes + R"(]},"ReturnConsumedCapacity":"TOTAL"})");
  ASSERT_TRUE(w.ok()) << w.body;
  EXPECT_EQ(w["UnprocessedItems"]["slow"].get_array().value().size(), 15u);
  EXPECT_EQ(double(w["ConsumedCapacity"].at(0)["CapacityUnits"]), 5.0);
  auto all_throttled = lm.dynamo("BatchWriteItem", R"({"RequestItems":{"slow":[)" + writes + "]}}");
  EXPECT_EQ(all_throttled.error_type, "ProvisionedThroughputExceededException");
}

TEST_F(dynamo_api, describes_lists_and_deletes_tables)
{
  auto d = m.dynamo("DescribeTable", R"({"TableName":"events"})");
  ASSERT_TRUE(d.ok()) << d.body;
  EXPECT_EQ(str(d["Table"]["TableStatus"]), "ACTIVE");
  EXPECT_EQ(str(d["Table"]["KeySchema"].at(1)["KeyType"]), "RANGE");
  EXPECT_EQ(str(d["Table"]["BillingModeSummary"]["BillingMode"]), "PAY_PER_REQUEST");
  auto l = m.dynamo("ListTables", R"({"Limit":1})");
  EXPECT_EQ(str(l["TableNames"].at(0)), "events");
  EXPECT_EQ(str(l["LastEvaluatedTableName"]), "events");
  EXPECT_EQ(m.dynamo("CreateTable", R"({"TableName":"kvs","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],"BillingMode":"PAY_PER_REQUEST"})").error_type, "ResourceInUseException");
  ASSERT_TRUE(m.dynamo("DeleteTable", R"({"TableName":"kvs"})").ok());
  EXPECT_EQ(m.dynamo("DescribeTable", R"({"TableName":"kvs"})").error_type, "ResourceNotFoundException");
  auto bad = m.dynamo("CreateTable", R"({"TableName":"xyz1","AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"}],
      "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}]})");
  EXPECT_EQ(bad.message(), "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
}

TEST_F(dynamo_api, conditions_cover_functions_and_operators)
{
  ASSERT_TRUE(put(R"({"pk":{"S":"f"},"name":{"S":"kinesys"},"tags":{"SS":["a","b"]},"n":{"N":"5"},"l":{"L":[{"S":"x"}]}})").ok());
  auto check = [&](std::string cond, std::string values) {
    auto a = m.dynamo("DeleteItem", R"({"TableName":"kvs","Key":{"pk":{"S":"nothing"}},"ConditionExpression":"attribute_not_exists(pk) "})");
    (void)a;
    auto r = m.dynamo("UpdateItem", R"({"TableName":"kvs","Key":{"pk":{"S":"f"}},"UpdateExpression":"SET touched = :touched","ConditionExpression":")" + cond +
                                      R"(","ExpressionAttributeValues":{":touched":{"BOOL":true})" + values + "}}");
    if (r.ok()) return std::string("true");
    if (r.error_type == "ConditionalCheckFailedException") return std::string("false");
    return r.message();
  };
  EXPECT_EQ(check("begins_with(#name, :p)", R"(,":p":{"S":"kin"})").substr(0, 7), "Invalid");  // #name undefined
  EXPECT_EQ(check("begins_with(name, :p)", R"(,":p":{"S":"kin"})"), "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name");
  EXPECT_EQ(check("contains(tags, :p)", R"(,":p":{"S":"b"})"), "true");
  EXPECT_EQ(check("contains(tags, :p)", R"(,":p":{"S":"c"})"), "false");
  EXPECT_EQ(check("size(tags) = :p", R"(,":p":{"N":"2"})"), "true");
  EXPECT_EQ(check("n BETWEEN :a AND :b", R"(,":a":{"N":"1"},":b":{"N":"5"})"), "true");
  EXPECT_NE(check("n BETWEEN :a AND :b", R"(,":a":{"N":"6"},":b":{"N":"5"})").find("The BETWEEN operator requires upper bound"), std::string::npos);
  EXPECT_EQ(check("n IN (:a, :b)", R"(,":a":{"N":"4"},":b":{"N":"5.0"})"), "true");
  EXPECT_EQ(check("attribute_type(l, :t)", R"(,":t":{"S":"L"})"), "true");
  EXPECT_EQ(check("NOT (n > :a)", R"(,":a":{"N":"4"})"), "false");
  EXPECT_EQ(check("l[0] = :x", R"(,":x":{"S":"x"})"), "true");
  EXPECT_EQ(check("absent <> :x", R"(,":x":{"S":"x"})"), "true");
  EXPECT_EQ(check("absent < :x", R"(,":x":{"S":"x"})"), "false");
}

}  // namespace
}  // namespace kinesys::local::test
