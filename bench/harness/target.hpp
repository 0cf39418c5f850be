#pragma once
// Where a run sends its traffic: kinesys-local started in this process or
// as a separate process on loopback (limits on or raised) or any endpoint the AWS variables name; plus an
// administrative client on its own core that creates and removes the
// streams and tables a run uses. Every scenario and every peer of one
// invocation talks to the same target.
#include "local_process.hpp"
#include "options.hpp"

#include <kinesys/local.hpp>
#include <kinesys/detail/consumer/dynamo_client.hpp>
#include <kinesys/detail/engine/aws/config.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/detail/engine/core_set.hpp>
#include <kinesys/detail/engine/http_client.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace kinesys::bench {

class target {
public:
  /// Starts kinesys-local when the options name no endpoint. Throws
  /// std::runtime_error with the reason (unusable AWS settings, bind failure).
  explicit target(bench_options const& o);
  ~target();
  target(target const&) = delete;
  target& operator=(target const&) = delete;

  /// The variables clients and peers are given (credentials, region,
  /// endpoints); for a real endpoint, the process's own.
  std::map<std::string, std::string, std::less<>> const& variables() const noexcept { return variables_; }
  engine::aws::environment environment() const;
  /// "kinesys-local (in process, limits on)" or the endpoint URL.
  std::string describe() const;
  std::string kinesis_endpoint() const { return kinesis_url_; }
  bool is_local() const noexcept { return server_ != nullptr || process_ != nullptr; }

  void create_stream(std::string const& name, int shards);
  void delete_stream(std::string const& name);
  void create_table(std::string const& name, std::string const& hash_key);
  void delete_table(std::string const& name);
  /// Items in a table (Scan): for checking a run wrote what it claims.
  std::size_t count_items(std::string const& table);

  /// Runs a coroutine on the admin core and waits for it.
  template <class F>
  auto run(F f)
  {
    return boost::asio::co_spawn(cores_->executor(0), std::move(f), boost::asio::use_future).get();
  }
  engine::http_client& http() { return *http_; }
  engine::aws::aws_config const& aws() const { return config_; }

private:
  std::unique_ptr<local::local_server> server_;
  std::unique_ptr<local_process> process_;
  bool limits_ = false;
  std::map<std::string, std::string, std::less<>> variables_;
  std::string kinesis_url_;
  std::unique_ptr<engine::core_set> cores_;
  std::unique_ptr<engine::http_client> http_;
  engine::aws::aws_config config_;
  std::unique_ptr<engine::aws::kinesis_client> kinesis_;
  std::unique_ptr<engine::aws::aws_json_client> dynamo_transport_;
  std::unique_ptr<consumer::dynamo_client> dynamo_;
};

}  // namespace kinesys::bench
