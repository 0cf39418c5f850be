#pragma once
// A self-signed TLS certificate and its key, made with OpenSSL's API when a
// test runs and written as PEM files into a fresh temporary directory, so
// no key material lives in the repository and nothing in it expires.
#include <filesystem>
#include <string>

namespace kinesys::test {

class test_certificate {
public:
  /// EC P-256, valid from an hour ago for a day, CN 127.0.0.1, with
  /// `subject_alt_names` in OpenSSL's notation. It is its own CA: a client
  /// trusts it by loading certificate_file() as its CA file. Throws
  /// std::runtime_error if OpenSSL or the file system refuses.
  explicit test_certificate(std::string const& subject_alt_names = "IP:127.0.0.1,DNS:localhost");
  ~test_certificate();
  test_certificate(test_certificate const&) = delete;
  test_certificate& operator=(test_certificate const&) = delete;

  std::string certificate_file() const { return (dir_ / "cert.pem").string(); }
  std::string private_key_file() const { return (dir_ / "key.pem").string(); }
  std::filesystem::path const& directory() const noexcept { return dir_; }

private:
  std::filesystem::path dir_;
};

}  // namespace kinesys::test
