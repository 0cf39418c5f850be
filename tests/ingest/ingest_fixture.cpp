#include "ingest_fixture.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace kinesys::ingest::test {

namespace asio = boost::asio;

std::string http_reply::header(std::string_view name) const {
  for (auto const& h : headers)
    if (engine::iequals(h.name, name)) return h.value;
  return {};
}

std::string request_text(std::string_view method, std::string_view target, header_list const& headers,
                         std::string_view body) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  for (auto const& [name, value] : headers) out.append(name).append(": ").append(value).append("\r\n");
  out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\nConnection: close\r\n\r\n");
  out.append(body);
  return out;
}

namespace {

http_reply parse_reply(std::string const& raw) {
  http_reply r;
  auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
  r.status = std::atoi(raw.c_str() + 9);
  std::size_t at = raw.find("\r\n") + 2;
  while (at < end) {
    auto eol = raw.find("\r\n", at);
    auto line = raw.substr(at, eol - at);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers.push_back({line.substr(0, colon), value});
    }
    at = eol + 2;
  }
  r.body = raw.substr(end + 4);
  return r;
}

}  // namespace

http_reply send_raw(std::uint16_t port, std::string const& raw, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  // The server may answer (413, 431) and close before reading everything;
  // what could not be sent does not matter then.
  for (std::size_t sent = 0; sent < raw.size();) {
    auto n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string received;
  auto const until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[65536];
    auto n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    received.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return parse_reply(received);
}

http_reply put_json(std::uint16_t port, std::string_view target, std::string_view body, std::string_view api_key,
                    header_list extra) {
  header_list headers{{"Content-Type", "application/json"}};
  if (!api_key.empty()) headers.emplace_back("x-api-key", std::string(api_key));
  for (auto& h : extra) headers.push_back(std::move(h));
  return send_raw(port, request_text("PUT", target, headers, body));
}

http_reply get(std::uint16_t port, std::string_view target) {
  return send_raw(port, request_text("GET", target, {}, ""));
}

double metric(std::string const& text, std::string_view series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 && line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return 0;
}

bool eventually(std::function<bool()> const& condition, std::chrono::milliseconds timeout) {
  auto const until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(20ms);  // polling interval, not synchronisation
  }
}

temp_dir::temp_dir() {
  std::random_device rd;
  path = std::filesystem::temp_directory_path() / ("kinesys-ingest-test-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(rd()));
  std::filesystem::create_directories(path);
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

void write_file(std::filesystem::path const& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_file(std::filesystem::path const& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

namespace {

template <class T>
T run_on(asio::io_context& io, asio::awaitable<T> a) {
  auto f = asio::co_spawn(io, std::move(a), asio::use_future);
  io.restart();
  io.run();
  return f.get();
}

local::local_options local_settings() {
  local::local_options o;
  o.cores = 1;
  return o;
}

}  // namespace

local_kinesis::local_kinesis() : server_(local_settings()), http_(io_.get_executor()) {
  auto port = server_.start();
  if (!port) throw std::runtime_error("kinesys-local did not start: " + port.error().message());
  client_ = std::make_unique<engine::aws::kinesis_client>(
      http_, engine::endpoint::parse(server_.endpoint()).value(),
      engine::aws::credentials{"kinesys-local", "kinesys-local-secret", "", "test"}, "us-east-1");
}

local_kinesis::~local_kinesis() { server_.stop(); }

void local_kinesis::create_stream(std::string const& name, int shards) {
  engine::aws::create_stream_request r{name, shards, engine::aws::stream_mode::provisioned};
  auto created = run_on(io_, client_->create_stream(r));
  ASSERT_TRUE(created) << created.error().describe();
  auto active = run_on(io_, client_->wait_for_stream(engine::aws::stream_ref{name, ""}));
  ASSERT_TRUE(active) << active.error().describe();
}

std::vector<std::string> local_kinesis::records(std::string const& name) {
  std::vector<std::string> out;
  auto shards = run_on(io_, client_->list_all_shards(engine::aws::stream_ref{name, ""}));
  EXPECT_TRUE(shards) << shards.error().describe();
  if (!shards) return out;
  for (auto const& shard : *shards) {
    engine::aws::get_shard_iterator_request it{engine::aws::stream_ref{name, ""}, shard.shard_id,
                                               engine::aws::shard_iterator_type::trim_horizon, "", {}};
    auto iterator = run_on(io_, client_->get_shard_iterator(it));
    EXPECT_TRUE(iterator) << iterator.error().describe();
    if (!iterator) return out;
    std::string next = *iterator;
    // An open shard always hands out a next iterator: stop at the first
    // empty page, since everything acknowledged is readable at once.
    while (!next.empty()) {
      engine::aws::get_records_request req{next, 10000, ""};
      auto page = run_on(io_, client_->get_records(req));
      EXPECT_TRUE(page) << page.error().describe();
      if (!page || page->records.empty()) break;
      for (auto const& rec : page->records) {
        std::string scratch;
        std::string_view data = rec.data;
        if (codecs::is_envelope(data)) {
          auto unwrapped = codecs::unwrap(data, scratch);
          EXPECT_TRUE(unwrapped);
          if (!unwrapped) continue;
          data = *unwrapped;
        }
        auto users = deaggregator_.split(data, rec.partition_key);
        EXPECT_TRUE(users) << users.error().message();
        if (!users) continue;
        for (auto const& u : *users) out.emplace_back(u.data);
      }
      next = page->next_shard_iterator;
    }
  }
  return out;
}

namespace {

// The ingest binary runs under a shell only to send its stderr to a file;
// `exec` keeps one process, so signals reach the binary itself. `env`
// replaces (not adds to) any AWS variables of the test's environment.
std::vector<std::string> command(std::filesystem::path const& log_file, std::vector<std::string> const& args,
                                 std::vector<std::string> const& env) {
  std::vector<std::string> argv{"/bin/sh", "-c", "exec env -u AWS_PROFILE -u AWS_SESSION_TOKEN \"$@\" 2>>\"$0\"",
                                log_file.string()};
  argv.push_back("AWS_ACCESS_KEY_ID=kinesys-local");
  argv.push_back("AWS_SECRET_ACCESS_KEY=kinesys-local-secret");
  argv.push_back("AWS_REGION=us-east-1");
  argv.push_back("AWS_EC2_METADATA_DISABLED=true");
  for (auto const& e : env) argv.push_back(e);
  argv.push_back(KINESYS_INGEST_BINARY);
  for (auto const& a : args) argv.push_back(a);
  return argv;
}

}  // namespace

ingest_process start_ingest(local_kinesis& kinesis, std::filesystem::path const& dir, std::vector<std::string> args,
                            std::vector<std::string> env) {
  static int count = 0;
  ingest_process p;
  p.log_file = dir / ("ingest-" + std::to_string(++count) + ".log");
  args.insert(args.begin(), {"--port", "0", "--cores", "2", "--kinesis-endpoint", kinesis.endpoint(), "--region",
                             "us-east-1"});
  p.process = kinesys::test::child_process(command(p.log_file, args, env));
  // "listening [https://]<address>:<port>", its only line on stdout.
  auto line = p.process.read_line(30s);
  EXPECT_TRUE(line && line->starts_with("listening ") && line->rfind(':') != std::string::npos)
      << "kinesys-ingest did not print its listening line; stderr:\n" << p.log();
  if (line && line->starts_with("listening ") && line->rfind(':') != std::string::npos) {
    p.listening_line = *line;
    p.port = static_cast<std::uint16_t>(std::atoi(line->c_str() + line->rfind(':') + 1));
  }
  return p;
}

std::pair<int, std::string> run_ingest(std::vector<std::string> const& args, std::vector<std::string> env) {
  temp_dir dir;
  auto log_file = dir.path / "run.log";
  kinesys::test::child_process p(command(log_file, args, env));
  // It exits by itself; read stdout to its end, then collect the status.
  while (p.read_line(30s)) {
  }
  int status = p.stop(0);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return {code, read_file(log_file)};
}

shared_setup::shared_setup() {
  kinesis.create_stream("events", 2);
  kinesis.create_stream("orders", 1);
  kinesis.create_stream("audit", 1);
  auto keys = dir.path / "keys.toml";
  write_file(keys, "[[tenant]]\nname = \"demo\"\napi_key = \"" + std::string(demo_key) +
                       "\"\nstreams = [\"events\"]\nrate_limit = 0\n\n"
                       "[[tenant]]\nname = \"orders-team\"\napi_key = \"" + std::string(orders_key) +
                       "\"\nstreams = [\"orders\"]\n\n"
                       "[[tenant]]\nname = \"slow\"\napi_key = \"" + std::string(slow_key) +
                       "\"\nstreams = [\"*\"]\nrate_limit = 1\n");
  ingest = start_ingest(kinesis, dir.path,
                        {"--keys-file", keys.string(), "--path-prefix", "/prod", "--max-body-bytes", "65536",
                         "--max-batch", "5", "--log-level", "debug", "--set", "RecordMaxBufferedTime=10ms"},
                        {"KINESYS_INGEST_API_KEYS=ops:" + std::string(ops_key) + ":*:0"});
}

shared_setup& shared() {
  // Started on first use, stopped (SIGTERM) when the test binary exits.
  static shared_setup setup;
  return setup;
}

}  // namespace kinesys::ingest::test
