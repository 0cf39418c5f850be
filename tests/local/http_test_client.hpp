#pragma once
// A blocking HTTP/1.1 client for tests: one request per connection
// ("Connection: close"), signed with the engine's SigV4 signer when given
// credentials. Small on purpose: the server under test is the subject.
#include <kinesys/detail/engine/aws/sigv4.hpp>
#include <kinesys/detail/engine/http_types.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

namespace kinesys::local::test {

struct http_answer {
  bool connected = false;
  bool complete = false;  // a whole response arrived
  unsigned status = 0;
  std::string headers;
  std::string body;
};

inline http_answer raw_post(std::uint16_t port, engine::http_request const& req)
{
  http_answer a;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return a;
  }
  a.connected = true;
  std::string wire = req.method + " " + req.target + " HTTP/1.1\r\n";
  for (auto const& h : req.headers) wire += h.name + ": " + h.value + "\r\n";
  wire += "Content-Length: " + std::to_string(req.body.size()) + "\r\n\r\n" + req.body;
  for (std::size_t done = 0; done < wire.size();) {
    ssize_t n = ::send(fd, wire.data() + done, wire.size() - done, MSG_NOSIGNAL);
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  std::string in;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    in.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  auto end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.size() < 12) return a;
  a.status = static_cast<unsigned>(std::stoul(in.substr(9, 3)));
  a.headers = in.substr(0, end);
  a.body = in.substr(end + 4);
  std::size_t expected = 0;
  auto cl = a.headers.find("Content-Length: ");
  if (cl == std::string::npos) cl = a.headers.find("content-length: ");
  if (cl != std::string::npos) expected = std::stoul(a.headers.substr(cl + 16));
  a.complete = a.body.size() == expected;
  return a;
}

struct signing {
  std::string access_key = "kinesys-local";
  std::string secret = "kinesys-local-secret";
  std::chrono::seconds clock_offset{0};
};

/// POSTs an AWS JSON call, signed unless `sign` is empty.
inline http_answer aws_call(std::uint16_t port, std::string const& target, std::string body,
                            std::optional<signing> sign = signing{})
{
  engine::http_request req;
  req.method = "POST";
  req.target = "/";
  req.body = std::move(body);
  bool const dynamo = target.rfind("DynamoDB", 0) == 0;
  req.headers.push_back({"Host", "127.0.0.1:" + std::to_string(port)});
  req.headers.push_back({"Content-Type", dynamo ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1"});
  req.headers.push_back({"X-Amz-Target", target});
  if (sign) {
    engine::aws::sigv4_signer signer("us-east-1", dynamo ? "dynamodb" : "kinesis");
    engine::aws::credentials creds{sign->access_key, sign->secret, {}, "test"};
    signer.sign(req, creds, std::chrono::system_clock::now() + sign->clock_offset);
  }
  req.headers.push_back({"Connection", "close"});
  return raw_post(port, req);
}

inline http_answer admin_call(std::uint16_t port, std::string method, std::string target, std::string body = {})
{
  engine::http_request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  req.headers.push_back({"Host", "127.0.0.1"});
  req.headers.push_back({"Connection", "close"});
  return raw_post(port, req);
}

}  // namespace kinesys::local::test
