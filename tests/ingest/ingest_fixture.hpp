#pragma once
// kinesys-ingest as a child process against kinesys-local running in this
// test process; a blocking HTTP/1.1 client on plain sockets (so malformed,
// oversized and stalled requests can be sent as such); a reader that
// finds the user records a stream holds.
#include <kinesys/codecs.hpp>
#include <kinesys/engine.hpp>
#include <kinesys/detail/engine/aws/kinesis_client.hpp>
#include <kinesys/local.hpp>

#include "child_process.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kinesys::ingest::test {

using namespace std::chrono_literals;

struct http_reply {
  int status = 0;  ///< 0: no response (connection failed, closed or timed out)
  std::vector<engine::http_header> headers;
  std::string body;
  std::string header(std::string_view name) const;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

/// A request with Host, Content-Length and "Connection: close".
std::string request_text(std::string_view method, std::string_view target, header_list const& headers,
                         std::string_view body);
/// Sends `raw` and reads until the server closes or `timeout` passes.
http_reply send_raw(std::uint16_t port, std::string const& raw, std::chrono::milliseconds timeout = 15s);
http_reply put_json(std::uint16_t port, std::string_view target, std::string_view body, std::string_view api_key,
                    header_list extra = {});
http_reply get(std::uint16_t port, std::string_view target);

/// The value of one sample line of Prometheus text ("name{labels}"), 0 if absent.
double metric(std::string const& text, std::string_view series);

bool eventually(std::function<bool()> const& condition, std::chrono::milliseconds timeout = 10s);

struct temp_dir {
  temp_dir();
  ~temp_dir();
  std::filesystem::path path;
};

void write_file(std::filesystem::path const& path, std::string_view text);
std::string read_file(std::filesystem::path const& path);

/// kinesys-local on a free loopback port, with a client to create streams
/// and read them back.
class local_kinesis {
public:
  local_kinesis();
  ~local_kinesis();
  std::string endpoint() const { return server_.endpoint(); }
  local::local_server& server() noexcept { return server_; }
  void create_stream(std::string const& name, int shards);
  /// Every user record's data in the stream (aggregated records split).
  std::vector<std::string> records(std::string const& name);

private:
  local::local_server server_;
  boost::asio::io_context io_{1};
  engine::http_client http_;
  std::unique_ptr<engine::aws::kinesis_client> client_;
  codecs::deaggregator deaggregator_;
};

/// A running kinesys-ingest. Its stderr goes to `log_file`.
struct ingest_process {
  kinesys::test::child_process process;
  std::uint16_t port = 0;
  std::string listening_line;  ///< what it printed on stdout, e.g. "listening 127.0.0.1:4711"
  std::filesystem::path log_file;
  std::string log() const { return read_file(log_file); }
};

/// Starts kinesys-ingest against `kinesis` (credentials and region of
/// kinesys-local in its environment, plus `env`), fails the test if it does
/// not print its listening line.
ingest_process start_ingest(local_kinesis& kinesis, std::filesystem::path const& dir, std::vector<std::string> args,
                            std::vector<std::string> env = {});
/// Runs kinesys-ingest to completion with `args`; returns its exit status
/// and stderr.
std::pair<int, std::string> run_ingest(std::vector<std::string> const& args, std::vector<std::string> env = {});

// The shared setup most tests use: streams "events" (2 shards) and "orders",
// one kinesys-ingest with --path-prefix /prod, --max-body-bytes 65536,
// --max-batch 5, --log-level debug and these tenants.
inline constexpr std::string_view demo_key = "sk-demo-4f1c9a0e2b7d4c3a9e8f";      // streams: events
inline constexpr std::string_view orders_key = "sk-orders-77aa01bc93de45f0";     // streams: orders
inline constexpr std::string_view slow_key = "sk-slow-0b1d2e3f4a5b6c7d8e9f";      // streams: *, rate 1/s
inline constexpr std::string_view ops_key = "sk-ops-c0ffee00deadbeef1234";        // from the environment, *

struct shared_setup {
  shared_setup();
  local_kinesis kinesis;
  temp_dir dir;
  ingest_process ingest;
};
shared_setup& shared();

}  // namespace kinesys::ingest::test
