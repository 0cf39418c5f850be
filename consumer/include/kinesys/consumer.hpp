#pragma once
// kinesys::consumer — the stream → table service behind `kinesys-consumer`:
// per-shard readers, leases shared by several processes, order-preserving
// checkpoints, idempotent and smoothly paced writes, a dead-letter path.
// This header gathers the parts; each lives in detail/consumer/.
#include <kinesys/detail/consumer/error.hpp>
#include <kinesys/detail/consumer/config.hpp>
#include <kinesys/detail/consumer/position.hpp>
#include <kinesys/detail/consumer/checkpoint_tracker.hpp>
#include <kinesys/detail/consumer/pacer.hpp>
#include <kinesys/detail/consumer/key_scheduler.hpp>
#include <kinesys/detail/consumer/dedup_window.hpp>
