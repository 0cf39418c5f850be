#pragma once
// Helpers for driving the dispatcher in-process: a model with a manual
// clock, calls by operation name, answers parsed with simdjson's DOM API.
#include <kinesys/local.hpp>

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <string>

namespace kinesys::local::test {

struct answer {
  unsigned status = 0;
  std::string body;
  std::string error_type;  // "" on success
  simdjson::dom::element json;
  std::shared_ptr<simdjson::dom::parser> parser;

  bool ok() const { return status == 200; }
  /// The member, or an error result when absent (no exception). Copy a
  /// value() out before iterating it: simdjson's value() on a temporary
  /// result returns a reference into that temporary.
  simdjson::simdjson_result<simdjson::dom::element> operator[](std::string_view key) const { return json[key]; }
  std::string message() const
  {
    std::string_view m;
    if (json["message"].get(m)) return {};
    return std::string(m);
  }
};

class local_model {
public:
  explicit local_model(local_options options = {}) : clock_(std::make_shared<manual_clock>())
  {
    if (!options.clock) options.clock = manual_clock::as_clock(clock_);
    dispatcher_ = std::make_unique<dispatcher>(std::move(options));
  }

  answer call(std::string_view target, std::string body)
  {
    reply r = dispatcher_->handle(target, body);
    answer a;
    a.status = r.status;
    a.body = r.body;
    a.error_type = r.error_type;
    a.parser = std::make_shared<simdjson::dom::parser>();
    auto parsed = a.parser->parse(a.body);
    EXPECT_FALSE(parsed.error()) << "answer is not JSON: " << a.body;
    if (!parsed.error()) a.json = parsed.value();
    return a;
  }
  answer kinesis(std::string_view op, std::string body) { return call("Kinesis_20131202." + std::string(op), std::move(body)); }
  answer dynamo(std::string_view op, std::string body) { return call("DynamoDB_20120810." + std::string(op), std::move(body)); }

  manual_clock& clock() { return *clock_; }
  dispatcher& model() { return *dispatcher_; }

private:
  std::shared_ptr<manual_clock> clock_;
  std::unique_ptr<dispatcher> dispatcher_;
};

inline std::string str(simdjson::simdjson_result<simdjson::dom::element> e)
{
  std::string_view s;
  if (e.get(s)) return {};
  return std::string(s);
}

}  // namespace kinesys::local::test
