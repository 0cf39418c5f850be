// Builds against an installed kinesys and proves the library links and
// runs: reads a producer configuration from text and prints what it holds.
#include <kinesys/producer.hpp>

#include <cstdio>

int main()
{
  namespace kp = kinesys::producer;
  auto config = kp::producer_config::from_properties("AggregationMaxSize = 65536\nRecordTtl = 60s\n");
  if (!config) {
    std::fprintf(stderr, "configuration refused: %s\n", config.error().message().c_str());
    return 1;
  }
  std::printf("kinesys producer: %zu configuration keys, AggregationMaxSize=%llu, RecordTtl=%lldms\n",
              kp::producer_config::key_names().size(),
              static_cast<unsigned long long>(config->aggregation_max_size),
              static_cast<long long>(config->record_ttl.count()));
  return 0;
}
