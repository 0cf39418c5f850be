#pragma once
// kinesys::engine — the runtime the producer, consumer and kinesys-local sit
// on: one io_context per core, HTTP/1.1 + TLS client and server, SigV4 and the
// credential chain, typed Kinesis and DynamoDB calls, retry, token buckets and
// io_uring files. This header gathers the parts; each lives in detail/engine/.

// runtime, net, io, rate
#include "kinesys/detail/engine/error.hpp"
#include "kinesys/detail/engine/core_set.hpp"
#include "kinesys/detail/engine/deadline.hpp"
#include "kinesys/detail/engine/http_types.hpp"
#include "kinesys/detail/engine/http_client.hpp"
#include "kinesys/detail/engine/http_server.hpp"
#include "kinesys/detail/engine/retry_policy.hpp"
#include "kinesys/detail/engine/token_bucket.hpp"
#include "kinesys/detail/engine/append_file.hpp"

// aws
