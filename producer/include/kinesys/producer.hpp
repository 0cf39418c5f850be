#pragma once
// kinesys::producer — the producer SDK applications link: aggregated,
// optionally compressed, shard-aware PutRecords with per-key order,
// back-pressure and a durable spool. This header gathers the parts; each
// lives in detail/producer/.
//
//   producer_config cfg = producer_config::from_file("producer.toml").value();
//   producer p(cfg);
//   put_outcome r = co_await p.put("events", "device-17", payload);
//   if (!r) log(r.error().message);
#include <kinesys/detail/producer/error.hpp>
#include <kinesys/detail/producer/config.hpp>
#include <kinesys/detail/producer/partition_key.hpp>
#include <kinesys/detail/producer/put_result.hpp>
#include <kinesys/detail/producer/metrics.hpp>
#include <kinesys/detail/producer/producer.hpp>
