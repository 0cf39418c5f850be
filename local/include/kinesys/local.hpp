#pragma once
// kinesys::local — the embedded Kinesis Data Streams + DynamoDB endpoint:
// the models with real service limits, request dispatch by X-Amz-Target,
// SigV4 verification, fault injection, persistence and the server.
#include <kinesys/detail/local/error.hpp>
#include <kinesys/detail/local/options.hpp>
#include <kinesys/detail/local/dispatcher.hpp>
#include <kinesys/detail/local/local_server.hpp>
