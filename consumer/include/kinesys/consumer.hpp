#pragma once
// kinesys::consumer — the stream → table service behind `kinesys-consumer`:
// per-shard readers, leases shared by several processes, order-preserving
// checkpoints, idempotent and smoothly paced writes, a dead-letter path.
// This header gathers the parts; each lives in detail/consumer/.
//
//   auto config = kinesys::consumer::load_config("consumer.toml").value();
//   kinesys::consumer::service s(std::move(config));
//   return s.run();  // until SIGTERM: drains, checkpoints, releases leases
#include <kinesys/detail/consumer/error.hpp>
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/service.hpp>
#include <kinesys/detail/consumer/dlq_replay.hpp>

// The parts, for tests and embedders.
#include <kinesys/detail/consumer/position.hpp>
#include <kinesys/detail/consumer/checkpoint_tracker.hpp>
#include <kinesys/detail/consumer/pacer.hpp>
#include <kinesys/detail/consumer/key_scheduler.hpp>
#include <kinesys/detail/consumer/dedup_window.hpp>
#include <kinesys/detail/consumer/decimal.hpp>
#include <kinesys/detail/consumer/lease.hpp>
#include <kinesys/detail/consumer/lease_taker.hpp>
#include <kinesys/detail/consumer/lease_manager.hpp>
#include <kinesys/detail/consumer/write_plan.hpp>
#include <kinesys/detail/consumer/record_mapper.hpp>
#include <kinesys/detail/consumer/dead_letter.hpp>
#include <kinesys/detail/consumer/dead_letter_sink.hpp>
#include <kinesys/detail/consumer/dynamo_client.hpp>
#include <kinesys/detail/consumer/metrics.hpp>
