#pragma once
// What the dispatcher holds: the options and, per core, that core's models.
#include "common/service_context.hpp"
#include "dynamo/dynamo_service.hpp"
#include "kinesis/catalog.hpp"
#include "kinesis/kinesis_service.hpp"

#include <kinesys/detail/local/options.hpp>

#include <memory>
#include <vector>

namespace kinesys::local::detail {

struct core_state {
  std::unique_ptr<kinesis::kinesis_service> kinesis;
  std::unique_ptr<dynamo::dynamo_service> dynamo;  // only on the DynamoDB core
  service_context context;
};

struct dispatcher_state {
  local_options options;
  std::shared_ptr<account_counters> account;
  std::shared_ptr<kinesis::stream_catalog> catalog;
  std::vector<core_state> cores;
  std::size_t dynamo_core = 0;
};

}  // namespace kinesys::local::detail
