#pragma once
// kinesys::producer — the producer SDK applications link: aggregated,
// optionally compressed, shard-aware PutRecords with per-key order,
// back-pressure and a durable spool. This header gathers the parts; each
// lives in detail/producer/.
#include <kinesys/detail/producer/error.hpp>
#include <kinesys/detail/producer/config.hpp>
#include <kinesys/detail/producer/partition_key.hpp>
#include <kinesys/detail/producer/metrics.hpp>
