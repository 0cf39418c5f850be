#pragma once
// Turning Asio/Beast/OpenSSL errors into engine::errc, once, so every caller
// sees the same few well-named failures. Private to engine/src.
#include "kinesys/detail/engine/error.hpp"

namespace kinesys::engine::detail {

enum class net_phase { resolve, connect, handshake, exchange };

/// Maps `ec` raised during `phase`. Errors with no engine meaning (e.g.
/// ENETUNREACH) and operation_aborted pass through unchanged.
boost::system::error_code map_net_error(boost::system::error_code ec, net_phase phase) noexcept;

/// True when `ec` says the peer closed or reset the connection: on a reused
/// keep-alive connection with no response byte yet, it means the server
/// dropped the idle socket and never saw our request.
bool is_closed_by_peer(boost::system::error_code ec) noexcept;

}  // namespace kinesys::engine::detail
