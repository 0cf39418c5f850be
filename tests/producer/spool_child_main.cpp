// A producing process for the spool crash test: it spools records and is
// then killed with SIGKILL by the test, which restarts a producer on the
// same spool directory and checks that nothing spooled is missing.
//
// usage: kinesys_producer_spool_child <endpoint> <stream> <spool-dir> <acked> <spooled>
// Puts <acked> records and waits until Kinesis acknowledged them ("acked N"),
// then <spooled> more that stay buffered (RecordMaxBufferedTime is long),
// syncs the spool ("spooled N"), and waits to be killed.
#include <kinesys/producer.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <unistd.h>

int main(int argc, char** argv) {
  using namespace kinesys::producer;
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s <endpoint> <stream> <spool-dir> <acked> <spooled>\n", argv[0]);
    return 2;
  }
  int acked = std::atoi(argv[4]);
  int spooled = std::atoi(argv[5]);
  producer_config c;
  c.kinesis_endpoint = argv[1];
  c.spool_directory = argv[3];
  c.record_max_buffered_time = std::chrono::milliseconds(600000);
  c.record_ttl = std::chrono::milliseconds(3600000);
  c.producer_id = "child";
  auto env = kinesys::engine::aws::environment::from_map({{"AWS_ACCESS_KEY_ID", "kinesys-local"},
                                                          {"AWS_SECRET_ACCESS_KEY", "kinesys-local-secret"},
                                                          {"AWS_REGION", "us-east-1"}});
  producer p(c, env);
  std::string stream = argv[2];
  int n = 0;
  auto put = [&] {
    std::string key = "key-" + std::to_string(n % 10);
    p.put_async(stream, key, key + "#" + std::to_string(n / 10), [](put_outcome) {});
    ++n;
  };
  while (n < acked) put();
  p.flush_sync();
  std::printf("acked %d\n", n);
  std::fflush(stdout);
  while (n < acked + spooled) put();
  if (auto ec = p.sync_spool()) {
    std::fprintf(stderr, "spool: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("spooled %d\n", n);
  std::fflush(stdout);
  for (;;) ::pause();
}
