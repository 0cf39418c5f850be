#pragma once
// Integration helpers for the consumer tests: an endpoint pair (kinesys-local
// in-process when it is built, else kinesalite + dynalite), a synchronous
// client on its own core to set streams and tables up and read results, the
// consumer running in-process or as a kinesys-consumer process, and polling
// for an outcome with a deadline.
#include <kinesys/consumer.hpp>

#include <kinesys/detail/codecs/hash_key.hpp>
#include <kinesys/detail/codecs/kpl_aggregation.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/detail/engine/core_set.hpp>
#include <kinesys/detail/engine/http_client.hpp>

#ifdef KINESYS_CONSUMER_TESTS_HAVE_LOCAL
#include <kinesys/local.hpp>
#endif

#include "child_process.hpp"
#include "peers.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kinesys::consumer::test {

namespace aws = engine::aws;
using namespace std::chrono_literals;

inline constexpr char const* access_key = "kinesys-local";
inline constexpr char const* secret_key = "kinesys-local-secret";

/// Kinesis and DynamoDB endpoints for one test.
class backend {
public:
  /// kinesys-local when built in, else the npm peers; nullopt (with the
  /// reason) when neither can run.
  static std::optional<backend> start(std::string& why_not, bool prefer_peers = false)
  {
    backend b;
#ifdef KINESYS_CONSUMER_TESTS_HAVE_LOCAL
    if (!prefer_peers) {
      local::local_options o;
      o.cores = 1;
      b.local_ = std::make_unique<local::local_server>(o);
      auto port = b.local_->start();
      if (!port) {
        why_not = "kinesys-local did not start: " + port.error().message();
        return std::nullopt;
      }
      b.kinesis_url_ = b.dynamodb_url_ = b.local_->endpoint();
      return b;
    }
#endif
    (void)prefer_peers;
    why_not = kinesys::test::peers_unavailable_reason();
    if (!why_not.empty()) return std::nullopt;
    b.kinesalite_ = kinesys::test::start_kinesalite();
    b.dynalite_ = kinesys::test::start_dynalite();
    if (!b.kinesalite_ || !b.dynalite_) {
      why_not = "kinesalite or dynalite did not start";
      return std::nullopt;
    }
    b.kinesis_url_ = b.kinesalite_->endpoint();
    b.dynamodb_url_ = b.dynalite_->endpoint();
    return b;
  }

  std::string const& kinesis_url() const { return kinesis_url_; }
  std::string const& dynamodb_url() const { return dynamodb_url_; }
  bool is_local() const { return kinesis_url_ == dynamodb_url_; }

  std::map<std::string, std::string, std::less<>> variables() const
  {
    return {{"AWS_ACCESS_KEY_ID", access_key},
            {"AWS_SECRET_ACCESS_KEY", secret_key},
            {"AWS_REGION", "us-east-1"},
            {"AWS_ENDPOINT_URL_KINESIS", kinesis_url_},
            {"AWS_ENDPOINT_URL_DYNAMODB", dynamodb_url_},
            {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
            {"AWS_CONFIG_FILE", "/nonexistent"}};
  }
  aws::environment environment() const { return aws::environment::from_map(variables()); }
  /// For child processes.
  std::vector<std::string> env() const
  {
    std::vector<std::string> out;
    for (auto const& [k, v] : variables()) out.push_back(k + "=" + v);
    return out;
  }

private:
  backend() = default;
#ifdef KINESYS_CONSUMER_TESTS_HAVE_LOCAL
  std::unique_ptr<local::local_server> local_;
#endif
  std::optional<kinesys::test::peer_server> kinesalite_, dynalite_;
  std::string kinesis_url_, dynamodb_url_;
};

/// A record to put: partition key, data and optional KPL tags.
struct test_record {
  std::string partition_key;
  std::string data;
  std::string stamp;  ///< "producer:seq" tag ("ks"), or empty
};

/// Blocking calls for test set-up and checks, on a core of its own.
class client {
public:
  explicit client(backend const& b)
      : cores_(engine::core_set_options{.cores = 1, .handle_signals = false}),
        http_(cores_.executor(0)),
        config_(aws::resolve_aws_config(b.environment()).value()),
        kinesis_(http_, config_),
        ddb_transport_(http_, aws::dynamodb_protocol, config_.dynamodb, config_.creds, config_.region),
        ddb_(ddb_transport_)
  {
    cores_.start();
  }
  ~client()
  {
    cores_.stop();
    cores_.join();
  }

  template <class F>
  auto run(F f)
  {
    return boost::asio::co_spawn(cores_.executor(0), std::move(f), boost::asio::use_future).get();
  }

  void create_stream(std::string const& name, int shards)
  {
    run([&]() -> boost::asio::awaitable<void> {
      aws::create_stream_request r;
      r.stream_name = name;
      r.shard_count = shards;
      (co_await kinesis_.create_stream(r)).value();
      aws::stream_ref ref{name, {}};  // not inside co_await: GCC 12 destroys such temporaries twice
      (co_await kinesis_.wait_for_stream(ref)).value();
    });
  }

  std::vector<aws::shard> shards(std::string const& stream)
  {
    return run([&]() -> boost::asio::awaitable<std::vector<aws::shard>> {
      aws::stream_ref ref{stream, {}};
      co_return (co_await kinesis_.list_all_shards(ref)).value();
    });
  }

  /// Puts records one PutRecords at a time (order per key kept: a failed
  /// entry is resent before anything later is sent).
  void put(std::string const& stream, std::vector<test_record> const& records, bool aggregate = false)
  {
    run([&]() -> boost::asio::awaitable<void> {
      std::vector<std::string> blobs;
      std::vector<std::string> keys;
      if (aggregate) {
        // Like the KPL and kinesys::producer: user records are aggregated per
        // shard (the one their partition key hashes to), so every copy of a
        // record lands on the shard that owns its key.
        aws::stream_ref ref{stream, {}};
        auto shards = (co_await kinesis_.list_all_shards(ref)).value();
        std::vector<aws::shard> open;
        for (auto const& s : shards)
          if (s.open()) open.push_back(s);
        std::vector<codecs::aggregator> aggs(open.size());
        std::vector<std::string> first_key(open.size());
        auto flush = [&](std::size_t i) {
          if (aggs[i].empty()) return;
          blobs.emplace_back(aggs[i].finish());
          keys.push_back(first_key[i]);
          aggs[i].reset();
        };
        for (auto const& r : records) {
          auto h = codecs::hash_key_of(r.partition_key);
          std::size_t i = 0;
          while (i + 1 < open.size() && !open[i].hash_key_range.contains(h)) ++i;
          codecs::tag t{"ks", std::string_view(r.stamp)};
          codecs::user_record u{r.partition_key, {}, r.data, {}};
          if (!r.stamp.empty()) u.tags = std::span<codecs::tag const>(&t, 1);
          if (aggs[i].count() >= 20 || !aggs[i].try_add(u)) {
            flush(i);
            aggs[i].try_add(u);
          }
          if (aggs[i].count() == 1) first_key[i] = r.partition_key;
        }
        for (std::size_t i = 0; i < aggs.size(); ++i) flush(i);
      } else {
        for (auto const& r : records) {
          blobs.push_back(r.data);
          keys.push_back(r.partition_key);
        }
      }
      for (std::size_t i = 0; i < blobs.size();) {
        auto n = std::min<std::size_t>(100, blobs.size() - i);
        // Send one at a time while anything of this chunk fails, so a key's
        // records never overtake each other.
        std::vector<aws::put_records_entry> entries;
        for (std::size_t k = 0; k < n; ++k) entries.push_back({blobs[i + k], keys[i + k], {}});
        aws::put_records_request req;
        req.stream.name = stream;
        req.records = entries;
        auto r = (co_await kinesis_.put_records(req)).value();
        std::size_t ok = 0;
        while (ok < n && r.records[ok].ok()) ++ok;
        if (ok < n) {
          // Resend from the first failure in order; the ones after it that
          // landed are duplicates a real producer would avoid, so refuse
          // to continue in a way that would make the test ambiguous.
          for (std::size_t k = ok; k < n; ++k)
            if (r.records[k].ok()) throw std::runtime_error("test put: out-of-order partial failure");
          i += ok;
          // Throttled by the shard's 1,000 records/s: wait for the budget.
          boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, 100ms);
          co_await pause.async_wait(boost::asio::use_awaitable);
          continue;
        }
        i += n;
      }
    });
  }

  void create_table(std::string const& name, std::string const& hash_key, std::string const& type = "S")
  {
    run([&]() -> boost::asio::awaitable<void> {
      key_schema schema{hash_key, type, {}, "S"};
      (co_await ddb_.ensure_table(name, schema)).value();
    });
  }

  std::vector<codecs::item> scan(std::string const& table)
  {
    return run([&]() -> boost::asio::awaitable<std::vector<codecs::item>> {
      auto r = co_await ddb_.scan(table);
      if (!r) co_return std::vector<codecs::item>{};
      co_return std::move(*r);
    });
  }

  std::vector<lease> leases(std::string const& table)
  {
    std::vector<lease> out;
    for (auto const& it : scan(table))
      if (auto l = lease_from_item(it)) out.push_back(*l);
    return out;
  }

  aws::kinesis_client& kinesis() { return kinesis_; }

private:
  engine::core_set cores_;
  engine::http_client http_;
  aws::aws_config config_;
  aws::kinesis_client kinesis_;
  aws::aws_json_client ddb_transport_;
  dynamo_client ddb_;
};

/// Polls `done` every 50 ms until it holds or `timeout` passes.
inline bool eventually(std::function<bool()> const& done, std::chrono::milliseconds timeout = 30s)
{
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
}

/// A fresh directory under the system temp dir, removed afterwards.
struct temp_dir {
  std::filesystem::path path;
  temp_dir()
  {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() / ("kinesys-consumer-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~temp_dir() { std::filesystem::remove_all(path); }
};

/// Settings that make a test consumer react in fractions of a second.
inline std::string fast_settings(std::string const& stream, std::string const& application)
{
  return "stream = \"" + stream + "\"\napplication = \"" + application +
         "\"\ncores = 1\n"
         "[read]\ninterval_ms = 200\n"
         "[checkpoint]\ninterval_ms = 100\n"
         "[lease]\nduration_ms = 1500\nshard_sync_interval_ms = 500\n"
         "[metrics]\nport = 0\n";
}

/// The consumer in this process, on its own threads.
class in_process_consumer {
public:
  in_process_consumer(consumer_config config, backend const& b)
  {
    service_options o;
    o.environment = b.environment();
    o.handle_signals = false;
    service_ = std::make_unique<service>(std::move(config), o);
    thread_ = std::thread([this] { status_ = service_->run(); });
  }
  ~in_process_consumer() { stop(); }
  int stop()
  {
    if (thread_.joinable()) {
      service_->stop();
      thread_.join();
    }
    return status_;
  }
  service& get() { return *service_; }

private:
  std::unique_ptr<service> service_;
  std::thread thread_;
  int status_ = -1;
};

/// kinesys-consumer as a child process, started with a configuration file.
inline kinesys::test::child_process start_consumer_process(backend const& b, std::filesystem::path const& config_file,
                                                           std::vector<std::string> extra_args = {})
{
  std::vector<std::string> argv{std::string(KINESYS_BINARY_DIR) + "/bin/kinesys-consumer", "--config",
                                config_file.string()};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  kinesys::test::child_process p(argv, b.env());
  if (!p.wait_for_port()) throw std::runtime_error("kinesys-consumer did not start");
  return p;
}

inline void write_file(std::filesystem::path const& p, std::string const& text) { std::ofstream(p) << text; }

inline std::string string_attr(codecs::item const& it, std::string const& name)
{
  auto f = it.find(name);
  if (f == it.end()) return {};
  if (auto const* s = f->second.get_if<std::string>()) return *s;
  if (auto const* n = f->second.get_if<codecs::number_value>()) return n->text;
  return {};
}

}  // namespace kinesys::consumer::test
