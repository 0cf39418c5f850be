// Tails a file into a stream, as a log shipper does, and reports the offset
// it may commit: put_options{source, offset} ties each line to its position,
// and producer.checkpoint(source) is the end of the longest run of lines that
// Kinesis has acknowledged — never past a line still in flight or failed,
// whatever order acknowledgements arrive in. A restart resumes from there.
//
//   tail_file STREAM FILE [START_OFFSET] [IDLE_MS]
//
// Reads FILE from START_OFFSET (default 0), follows it while it grows, and
// stops once it has not grown for IDLE_MS (default 500). Region, endpoint
// and credentials come from the usual AWS environment.
#include <kinesys/producer.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace kp = kinesys::producer;
using namespace std::chrono_literals;

int main(int argc, char** argv)
{
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STREAM FILE [START_OFFSET] [IDLE_MS]\n", argv[0]);
    return 2;
  }
  std::string const stream = argv[1], path = argv[2];
  std::uint64_t const start = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 0;
  std::uint64_t offset = start;
  auto const idle = std::chrono::milliseconds(argc > 4 ? std::atoi(argv[4]) : 500);

  std::ifstream in(path, std::ios::binary);
  if (!in || !in.seekg(static_cast<std::streamoff>(offset))) {
    std::fprintf(stderr, "cannot read %s from offset %llu\n", path.c_str(), static_cast<unsigned long long>(offset));
    return 1;
  }
  kp::producer p{kp::producer_config{}};
  kp::checkpoint_source const source = p.source(path);
  std::uint64_t lines = 0;
  std::atomic<int> failed{0};
  auto last_growth = std::chrono::steady_clock::now();
  std::string line;
  while (std::chrono::steady_clock::now() - last_growth < idle) {
    if (!std::getline(in, line) || in.eof()) {
      // End of file, or a line still being written: come back for it later.
      in.clear();
      in.seekg(static_cast<std::streamoff>(offset));
      std::this_thread::sleep_for(50ms);
      continue;
    }
    last_growth = std::chrono::steady_clock::now();
    offset += line.size() + 1;  // the offset to resume from after this line
    // The line number as partition key spreads lines over the shards.
    p.put_async(stream, std::to_string(lines++), line, [&failed](kp::put_outcome r) {
      if (!r) ++failed;  // runs on a producer thread; stops the checkpoint
    }, {.source = source, .offset = offset});
    if (lines % 1000 == 0) {
      std::optional<std::uint64_t> c = p.checkpoint(source);
      std::printf("read %llu lines, may commit offset %lld\n", static_cast<unsigned long long>(lines),
                  c ? static_cast<long long>(*c) : -1LL);
    }
  }
  p.flush_sync();
  std::optional<std::uint64_t> committed = p.checkpoint(source);
  std::printf("put %llu lines, %d failed; commit offset %llu of %s\n", static_cast<unsigned long long>(lines), failed.load(),
              static_cast<unsigned long long>(committed.value_or(start)),
              path.c_str());
  p.close();
  return failed == 0 ? 0 : 1;
}
