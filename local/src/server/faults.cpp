#include "server/faults.hpp"

#include "common/json_out.hpp"
#include "common/utf8.hpp"

#include <simdjson.h>

#include <cstdio>

namespace kinesys::local {

fault_injector::fault_injector(fault_options const& initial, std::size_t cores) : rngs_(cores)
{
  for (auto& p : p_) p.store(0);
  set(initial);
}

void fault_injector::set(fault_options const& f)
{
  std::lock_guard lock(mutex_);
  config_ = f;
  p_[static_cast<int>(fault_kind::internal_failure)].store(f.internal_failure);
  p_[static_cast<int>(fault_kind::throttle)].store(f.throttle);
  p_[static_cast<int>(fault_kind::reset_before_response)].store(f.reset_before_response);
  p_[static_cast<int>(fault_kind::reset_mid_response)].store(f.reset_mid_response);
  p_[static_cast<int>(fault_kind::latency)].store(f.latency);
  latency_ms_.store(f.added_latency.count());
  seed_.store(f.seed);
  any_.store(f.any());
  // Every core reseeds from the new seed before its next roll.
  generation_.fetch_add(1);
}

fault_options fault_injector::get() const
{
  std::lock_guard lock(mutex_);
  return config_;
}

bool fault_injector::roll(std::size_t core, fault_kind kind)
{
  double const p = p_[static_cast<int>(kind)].load(std::memory_order_relaxed);
  if (p <= 0) return false;
  auto& r = rngs_[core];
  std::uint64_t const gen = generation_.load(std::memory_order_acquire);
  if (r.generation != gen) {
    r.rng.seed(seed_.load() * 0x9e3779b97f4a7c15ull + core);
    r.generation = gen;
  }
  if (p >= 1) return true;
  return std::uniform_real_distribution<double>(0, 1)(r.rng) < p;
}

std::string fault_injector::apply_json(std::string_view json)
{
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(json.data(), json.size()).get(doc)) return "body is not JSON";
  simdjson::dom::object obj;
  if (doc.get(obj)) return "body must be a JSON object";
  fault_options f = get();
  for (auto member : obj) {
    // Named copies: lambdas below capture them (clang 14 cannot capture
    // structured bindings).
    std::string_view const key = member.key;
    simdjson::dom::element const value = member.value;
    double d = 0;
    std::int64_t i = 0;
    auto prob = [&](double& slot) -> std::string {
      if (value.get(d)) {
        if (value.get(i)) return std::string("'").append(key).append("' must be a number");
        d = static_cast<double>(i);
      }
      if (d < 0 || d > 1) return std::string("'").append(key).append("' must be a probability in [0, 1]");
      slot = d;
      return {};
    };
    std::string err;
    if (key == "internal_failure") err = prob(f.internal_failure);
    else if (key == "throttle") err = prob(f.throttle);
    else if (key == "reset_before_response") err = prob(f.reset_before_response);
    else if (key == "reset_mid_response") err = prob(f.reset_mid_response);
    else if (key == "latency") err = prob(f.latency);
    else if (key == "added_latency_ms") {
      if (value.get(i) || i < 0) return "'added_latency_ms' must be a non-negative integer";
      f.added_latency = std::chrono::milliseconds(i);
    } else if (key == "seed") {
      if (value.get(i)) return "'seed' must be an integer";
      f.seed = static_cast<std::uint64_t>(i);
    } else {
      return "unknown fault '" + std::string(key) + "'";
    }
    if (!err.empty()) return err;
  }
  set(f);
  return {};
}

std::string fault_injector::error_json(std::string_view error)
{
  // The message quotes the client's member name: escaped and made valid
  // UTF-8, so the answer is JSON whatever the name was.
  std::string out;
  json_out w(out);
  w.begin_object();
  w.key("error").string(valid_utf8(error));
  w.end_object();
  return out;
}

std::string fault_injector::to_json() const
{
  fault_options const f = get();
  char buf[512];
  int n = std::snprintf(buf, sizeof buf,
                        "{\"internal_failure\":%g,\"throttle\":%g,\"reset_before_response\":%g,\"reset_mid_response\":%g,"
                        "\"latency\":%g,\"added_latency_ms\":%lld,\"seed\":%llu}",
                        f.internal_failure, f.throttle, f.reset_before_response, f.reset_mid_response, f.latency,
                        static_cast<long long>(f.added_latency.count()), static_cast<unsigned long long>(f.seed));
  return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace kinesys::local
