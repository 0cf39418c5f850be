#include "tls_server_context.hpp"

#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstdio>
#include <system_error>

namespace kinesys::engine::detail {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using boost::system::error_code;

namespace {

using context_result = boost::system::result<std::shared_ptr<ssl::context>, http_server_error>;

context_result fail(error_code code, std::string problem) {
  return context_result(boost::system::in_place_error, http_server_error{code, std::move(problem)});
}

/// OpenSSL reports a missing file as a bare "system lib" failure; opening it
/// first gives the reason a reader can act on.
error_code unreadable(std::string const& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f)
    return error_code(errno, boost::system::generic_category());
  std::fclose(f);
  return {};
}

std::string quoted(std::string const& path) { return "\"" + path + "\""; }

}  // namespace

context_result load_tls_server_context(http_server_tls_files const& files) {
  if (files.certificate_file.empty() || files.private_key_file.empty())
    return fail(make_error_code(boost::system::errc::invalid_argument),
                files.certificate_file.empty() ? "TLS needs a certificate file as well as the private key file"
                                               : "TLS needs a private key file as well as the certificate file");
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  context->set_verify_mode(ssl::verify_none);  // clients do not present certificates
  // An encrypted key would otherwise make OpenSSL prompt on the terminal.
  context->set_password_callback([](std::size_t, ssl::context::password_purpose) { return std::string(); });

  auto const& cert = files.certificate_file;
  auto const& key = files.private_key_file;
  if (auto ec = unreadable(cert))
    return fail(ec, "TLS certificate file " + quoted(cert) + ": " + ec.message());
  if (auto ec = unreadable(key))
    return fail(ec, "TLS private key file " + quoted(key) + ": " + ec.message());
  error_code ec;
  context->use_certificate_chain_file(cert, ec);
  if (ec)
    return fail(ec, "TLS certificate file " + quoted(cert) + ": not a PEM certificate (" + ec.message() + ")");
  context->use_private_key_file(key, ssl::context::pem, ec);
  if (ec) {
    // OpenSSL checks the key against the certificate as it loads it.
    auto const packed = static_cast<unsigned long>(ec.value());
    if (ec.category() == asio::error::get_ssl_category() && ERR_GET_LIB(packed) == ERR_LIB_X509 &&
        ERR_GET_REASON(packed) == X509_R_KEY_VALUES_MISMATCH)
      return fail(ec, "TLS private key file " + quoted(key) + " does not match the certificate in " + quoted(cert));
    return fail(ec, "TLS private key file " + quoted(key) + ": not an unencrypted PEM private key (" + ec.message() +
                        ")");
  }
  if (SSL_CTX_check_private_key(context->native_handle()) != 1)
    return fail(make_error_code(boost::system::errc::invalid_argument),
                "TLS private key file " + quoted(key) + " does not match the certificate in " + quoted(cert));
  return context;
}

}  // namespace kinesys::engine::detail
