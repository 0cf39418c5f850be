// HTTP keep-alive round trips through the engine's client and server on
// loopback, and appends through append_file, so that the socket backend
// (epoll or io_uring) and the file path are chosen by measurement. Build the
// io_uring-socket variant as docs/perf-engine-net.md describes.
#include <kinesys/engine.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/random_access_file.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write_at.hpp>
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace asio = boost::asio;
using namespace kinesys::engine;

namespace {

#if defined(BOOST_ASIO_DISABLE_EPOLL)
constexpr char const* socket_backend = "io_uring";
#else
constexpr char const* socket_backend = "epoll";
#endif

/// Round trips with `concurrency` requests in flight, `body` bytes each way.
void http_round_trip(benchmark::State& state) {
  auto const concurrency = static_cast<int>(state.range(0));
  auto const body_size = static_cast<std::size_t>(state.range(1));
  core_set server_cores(core_set_options{.cores = 1, .handle_signals = false});
  std::string const reply_body(body_size, 'r');
  http_server server(server_cores, {}, [&](server_request& req) -> asio::awaitable<server_reply> {
    server_reply reply;
    reply.response.status = 200;
    reply.response.body = req.request.body.size() == body_size ? reply_body : std::string("bad");
    co_return reply;
  });
  auto const port = server.start().value();
  server_cores.start();

  asio::io_context context{1};
  http_client client(context.get_executor(),
                     http_client_options{.max_connections_per_endpoint = static_cast<std::size_t>(concurrency)});
  endpoint const ep{"http", "127.0.0.1", port};
  std::string const request_body(body_size, 'q');
  int remaining = 0;
  int failures = 0;
  auto worker = [&]() -> asio::awaitable<void> {
    while (remaining > 0) {
      --remaining;
      http_request req;
      req.body = request_body;
      auto response = co_await client.request(ep, std::move(req));
      if (!response || response->body.size() != body_size)
        ++failures;
    }
  };
  constexpr int batch = 256;
  while (state.KeepRunningBatch(batch)) {
    remaining = batch;
    for (int i = 0; i < concurrency; ++i)
      asio::co_spawn(context, worker(), asio::detached);
    context.restart();
    context.run();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body_size * 2));
  state.counters["failures"] = failures;
  state.counters["connections"] = static_cast<double>(client.stats().connections_opened);
  state.SetLabel(socket_backend);
  server.stop();
  server_cores.stop();
  server_cores.join();
}
BENCHMARK(http_round_trip)
    ->ArgNames({"concurrency", "body"})
    ->Args({1, 100})
    ->Args({16, 100})
    ->Args({64, 100})
    ->Args({16, 64 << 10})
    ->MeasureProcessCPUTime()  // client and server threads both count
    ->UseRealTime();

std::filesystem::path bench_file(char const* name) {
  auto p = std::filesystem::temp_directory_path() / (std::string("kinesys-bench-") + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove(p);
  return p;
}

/// append_file with `writers` coroutines appending `size`-byte records.
void append_file_records(benchmark::State& state) {
  auto const writers = static_cast<int>(state.range(0));
  auto const size = static_cast<std::size_t>(state.range(1));
  auto const policy = static_cast<fsync_policy>(state.range(2));
  auto const path = bench_file("append");
  asio::io_context context{1};
  auto file = append_file::open(context.get_executor(), path, {.fsync = policy}).value();
  std::string const record(size, 'a');
  int remaining = 0;
  auto writer = [&]() -> asio::awaitable<void> {
    while (remaining > 0) {
      --remaining;
      co_await file.append(record);
    }
  };
  constexpr int batch = 512;
  while (state.KeepRunningBatch(batch)) {
    remaining = batch;
    for (int i = 0; i < writers; ++i)
      asio::co_spawn(context, writer(), asio::detached);
    context.restart();
    context.run();
  }
  asio::co_spawn(context, [&]() -> asio::awaitable<void> { co_await file.close(); }, asio::detached);
  context.restart();
  context.run();
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetLabel(policy == fsync_policy::always ? "fsync=always" : "fsync=never");
  std::filesystem::remove(path);
}
BENCHMARK(append_file_records)
    ->ArgNames({"writers", "bytes", "policy"})
    ->Args({1, 1024, static_cast<int>(fsync_policy::never)})
    ->Args({16, 1024, static_cast<int>(fsync_policy::never)})
    ->Args({1, 1024, static_cast<int>(fsync_policy::always)})
    ->Args({16, 1024, static_cast<int>(fsync_policy::always)})
    ->UseRealTime();

/// The same appends through Asio's own io_uring file object (one write per
/// record, no grouping, no async fsync available): the alternative.
void asio_random_access_file_records(benchmark::State& state) {
  auto const size = static_cast<std::size_t>(state.range(0));
  auto const path = bench_file("asio");
  asio::io_context context{1};
  asio::random_access_file file(context, path.string(),
                                asio::random_access_file::write_only | asio::random_access_file::create);
  std::string const record(size, 'a');
  std::uint64_t offset = 0;
  constexpr int batch = 512;
  while (state.KeepRunningBatch(batch)) {
    asio::co_spawn(
        context,
        [&]() -> asio::awaitable<void> {
          for (int i = 0; i < batch; ++i) {
            auto [ec, n] = co_await asio::async_write_at(file, offset, asio::buffer(record),
                                                         asio::as_tuple(asio::use_awaitable));
            if (ec)
              co_return;
            offset += n;
          }
        },
        asio::detached);
    context.restart();
    context.run();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  std::filesystem::remove(path);
}
BENCHMARK(asio_random_access_file_records)->ArgNames({"bytes"})->Arg(1024)->UseRealTime();

/// Plain blocking pwrite, the floor any asynchronous path pays on top of.
void blocking_pwrite_records(benchmark::State& state) {
  auto const size = static_cast<std::size_t>(state.range(0));
  auto const path = bench_file("pwrite");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  std::string const record(size, 'a');
  off_t offset = 0;
  for (auto _ : state) {
    offset += ::pwrite(fd, record.data(), record.size(), offset);
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  std::filesystem::remove(path);
}
BENCHMARK(blocking_pwrite_records)->ArgNames({"bytes"})->Arg(1024)->UseRealTime();

}  // namespace
