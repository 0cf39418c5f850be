#pragma once
// kinesys::engine — the runtime the producer, consumer and kinesys-local sit
// on: one io_context per core, HTTP/1.1 + TLS client and server, SigV4 and the
// credential chain, typed Kinesis and DynamoDB calls, retry, token buckets and
// io_uring files. This header gathers the parts; each lives in detail/engine/.

// runtime, net, io, rate
// (parts are added below as they land)

// aws
