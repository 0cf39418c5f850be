// kinesys-local's DynamoDB request decoding, expressions included: any body
// for any DynamoDB X-Amz-Target answers 200 or an AWS JSON error (never 5xx,
// never a crash). The first input byte picks the operation; table "tbl" (hash
// k, range r) holds an item so reads, conditions and updates have data.
#include <kinesys/local.hpp>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace local = kinesys::local;

namespace {

constexpr std::array<std::string_view, 16> operations = {
    "PutItem",        "UpdateItem",     "GetItem",      "DeleteItem",         "Query",         "Scan",
    "BatchWriteItem", "BatchGetItem",   "TransactWriteItems", "TransactGetItems", "CreateTable", "DescribeTable",
    "DeleteTable",    "UpdateTable",    "ListTables",   "NoSuchOperation",
};

void check(local::reply const& r)
{
  if (r.status >= 500) std::abort();
  if (r.status != 200 && (r.error_type.empty() || r.body.find("\"__type\"") == std::string::npos)) std::abort();
  // A success may have no body (CreateStream); anything else is one object.
  if (r.status != 200 && r.body.empty()) std::abort();
  if (!r.body.empty() && (r.body.front() != '{' || r.body.back() != '}')) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
  if (size == 0) return 0;
  local::local_options o;
  auto clock = std::make_shared<local::manual_clock>();
  o.clock = local::manual_clock::as_clock(clock);
  o.dynamodb.throttle = false;
  local::dispatcher model(o);
  std::string setup =
      R"({"TableName":"tbl","AttributeDefinitions":[{"AttributeName":"k","AttributeType":"S"},{"AttributeName":"r","AttributeType":"N"}],)"
      R"("KeySchema":[{"AttributeName":"k","KeyType":"HASH"},{"AttributeName":"r","KeyType":"RANGE"}],"BillingMode":"PAY_PER_REQUEST"})";
  if (model.handle("DynamoDB_20120810.CreateTable", setup).status != 200) std::abort();
  setup = R"({"TableName":"tbl","Item":{"k":{"S":"a"},"r":{"N":"1"},"n":{"N":"5"},"l":{"L":[{"S":"x"},{"N":"2"}]},)"
          R"("m":{"M":{"p":{"SS":["u","v"]},"q":{"B":"aGk="}}},"b":{"BOOL":true},"z":{"NULL":true}}})";
  if (model.handle("DynamoDB_20120810.PutItem", setup).status != 200) std::abort();

  std::string const target = "DynamoDB_20120810." + std::string(operations[data[0] % operations.size()]);
  std::string body(reinterpret_cast<char const*>(data + 1), size - 1);
  check(model.handle(target, body));
  body.assign(reinterpret_cast<char const*>(data + 1), size - 1);
  check(model.handle(target, body));
  std::string scan = R"({"TableName":"tbl"})";
  auto r = model.handle("DynamoDB_20120810.Scan", scan);
  if (r.status != 200 && r.error_type.find("ResourceNotFound") == std::string::npos) std::abort();
  return 0;
}
