#pragma once
// The TLS context an HTTPS server shares across its cores, loaded from PEM
// files. Private to engine/src.
#include "kinesys/detail/engine/http_server.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/system/result.hpp>

#include <memory>

namespace kinesys::engine::detail {

/// TLS 1.2 or later, server side. Errors name the file at fault: missing or
/// unreadable, not PEM, or a key that does not belong to the certificate.
boost::system::result<std::shared_ptr<boost::asio::ssl::context>, http_server_error> load_tls_server_context(
    http_server_tls_files const& files);

}  // namespace kinesys::engine::detail
