#include "target.hpp"

#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace kinesys::bench {

namespace aws = engine::aws;

namespace {

local::local_options local_options(bool limits)
{
  local::local_options o;
  o.cores = 1;
  o.kinesis.throttle = limits;
  o.dynamodb.throttle = limits;
  o.kinesis.shard_limit = 2000;
  return o;
}

std::map<std::string, std::string, std::less<>> process_variables()
{
  std::map<std::string, std::string, std::less<>> vars;
  for (char** e = environ; *e; ++e) {
    std::string_view kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string_view::npos && kv.starts_with("AWS_")) vars.emplace(kv.substr(0, eq), kv.substr(eq + 1));
  }
  return vars;
}

}  // namespace

target::target(bench_options const& o) : limits_(o.local_limits)
{
  if (o.endpoint.empty()) {
    std::string endpoint;
    if (o.local_as_process) {
      // The same settings as in process: one core, a shard limit that
      // sweeps over shard counts never reach.
      std::vector<std::string> args{"--cores", "1", "--shard-limit", "2000"};
      if (!o.local_limits) args.push_back("--no-throttle");
      process_ = std::make_unique<local_process>(o.local_binary.empty() ? default_local_binary() : o.local_binary, args);
      endpoint = process_->endpoint();
    } else {
      server_ = std::make_unique<local::local_server>(local_options(o.local_limits));
      if (auto port = server_->start(); !port) throw std::runtime_error("kinesys-local: " + port.error().message());
      endpoint = server_->endpoint();
    }
    variables_ = {{"AWS_ACCESS_KEY_ID", "kinesys-local"},
                  {"AWS_SECRET_ACCESS_KEY", "kinesys-local-secret"},
                  {"AWS_REGION", "us-east-1"},
                  {"AWS_DEFAULT_REGION", "us-east-1"},  // boto3 reads only this one
                  {"AWS_ENDPOINT_URL", endpoint},
                  {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"},
                  {"AWS_CONFIG_FILE", "/nonexistent"}};
  } else {
    variables_ = process_variables();
    if (o.endpoint != "env") variables_["AWS_ENDPOINT_URL"] = o.endpoint;
  }
  auto resolved = aws::resolve_aws_config(environment());
  if (!resolved) throw std::runtime_error("AWS settings: " + resolved.error().message);
  config_ = *resolved;
  kinesis_url_ = variables_.contains("AWS_ENDPOINT_URL_KINESIS") ? variables_["AWS_ENDPOINT_URL_KINESIS"]
                 : variables_.contains("AWS_ENDPOINT_URL")       ? variables_["AWS_ENDPOINT_URL"]
                                                                  : "";
  cores_ = std::make_unique<engine::core_set>(engine::core_set_options{.cores = 1, .handle_signals = false});
  http_ = std::make_unique<engine::http_client>(cores_->executor(0));
  kinesis_ = std::make_unique<aws::kinesis_client>(*http_, config_);
  dynamo_transport_ = std::make_unique<aws::aws_json_client>(*http_, aws::dynamodb_protocol, config_.dynamodb,
                                                             config_.creds, config_.region);
  dynamo_ = std::make_unique<consumer::dynamo_client>(*dynamo_transport_);
  cores_->start();
}

target::~target()
{
  // The clients live on the admin core: destroy them there, then stop it.
  run([this]() -> boost::asio::awaitable<void> {
    dynamo_.reset();
    dynamo_transport_.reset();
    kinesis_.reset();
    http_.reset();
    co_return;
  });
  cores_->stop();
  cores_->join();
  if (server_) server_->stop();
}

aws::environment target::environment() const { return aws::environment::from_map(variables_); }

std::string target::describe() const
{
  auto limits = limits_ ? " (AWS limits on: 1 MiB/s and 1000 records/s per shard)" : " (throughput limits off)";
  if (server_) return "kinesys-local in process at " + server_->endpoint() + limits;
  if (process_)
    return "kinesys-local as a separate process (pid " + std::to_string(process_->pid()) + ") at " + process_->endpoint() +
           limits;
  return "endpoint " + (kinesis_url_.empty() ? std::string("(regional AWS, ") + config_.region + ")" : kinesis_url_);
}

void target::create_stream(std::string const& name, int shards)
{
  auto r = run([&]() -> boost::asio::awaitable<aws::aws_result<void>> {
    aws::create_stream_request req;
    req.stream_name = name;
    req.shard_count = shards;
    if (auto c = co_await kinesis_->create_stream(req); !c) co_return c.error();
    aws::stream_ref const stream{name, {}};  // named: GCC 12 destroys a temporary beside a co_await twice
    if (auto w = co_await kinesis_->wait_for_stream(stream); !w) co_return w.error();
    co_return aws::aws_result<void>{};
  });
  if (!r) throw std::runtime_error("CreateStream " + name + ": " + r.error().describe());
}

void target::delete_stream(std::string const& name)
{
  // Best effort: a leftover stream only costs memory on kinesys-local.
  run([&]() -> boost::asio::awaitable<void> {
    aws::delete_stream_request req;
    req.stream.name = name;
    req.enforce_consumer_deletion = true;
    (void)co_await kinesis_->delete_stream(req);
  });
}

void target::create_table(std::string const& name, std::string const& hash_key)
{
  auto r = run([&]() -> boost::asio::awaitable<aws::aws_result<void>> {
    consumer::key_schema keys{hash_key, "S", {}, "S"};
    co_return co_await dynamo_->ensure_table(name, keys);
  });
  if (!r) throw std::runtime_error("CreateTable " + name + ": " + r.error().describe());
}

void target::delete_table(std::string const& name)
{
  run([&]() -> boost::asio::awaitable<void> {
    std::string body = R"({"TableName":")" + name + "\"}";
    (void)co_await dynamo_transport_->call("DeleteTable", body);
  });
}

std::size_t target::count_items(std::string const& table)
{
  auto r = run([&]() -> boost::asio::awaitable<aws::aws_result<std::vector<codecs::item>>> {
    co_return co_await dynamo_->scan(table);
  });
  return r ? r->size() : 0;
}

}  // namespace kinesys::bench
