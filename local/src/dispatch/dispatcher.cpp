#include <kinesys/detail/local/dispatcher.hpp>

#include "common/json_in.hpp"
#include "common/json_out.hpp"
#include "common/utf8.hpp"
#include "dispatch/dispatcher_state.hpp"
#include "kinesis/sequence.hpp"

#include <kinesys/detail/codecs/json_reader.hpp>

#include <cstdio>
#include <functional>

namespace kinesys::local {
namespace {

constexpr std::string_view kinesis_prefix = "Kinesis_20131202.";
constexpr std::string_view dynamo_prefix = "DynamoDB_20120810.";

// FNV-1a of the stream name: a placement that every core computes alike and
// that does not change across restarts (std::hash may).
std::size_t place(std::string_view name, std::size_t cores) noexcept
{
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return static_cast<std::size_t>(h % cores);
}

// The stream a Kinesis request touches, found without running it: the
// StreamName/StreamARN member, or the name inside an iterator or NextToken.
std::string routing_stream(std::string_view op, std::string& body)
{
  auto& parser = json_in::parser();
  auto doc = parser.iterate(codecs::padded(body));
  if (doc.error()) return {};
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return {};
  std::string name, token;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return {};
    std::string_view value;
    if (key == "StreamName" || key == "StreamARN") {
      if (field.value().get_string().get(value)) return {};
      name = key == "StreamARN" ? std::string(value.substr(value.rfind('/') + 1)) : std::string(value);
      if (key == "StreamName") return name;
    } else if ((key == "ShardIterator" && op == "GetRecords") || (key == "NextToken" && op == "ListShards")) {
      if (field.value().get_string().get(value)) return {};
      token = std::string(value);
    }
  }
  if (!name.empty()) return name;
  if (token.empty()) return {};
  if (op == "GetRecords") {
    auto it = kinesis::decode_iterator(token);
    return it ? it->stream_name : std::string();
  }
  auto payload = kinesis::decode_token(token);
  if (!payload) return {};
  auto slash = payload->rfind('/');
  return slash == std::string::npos ? std::string() : payload->substr(slash + 1);
}

void write_error(std::string& out, api which, api_error const& e)
{
  out.clear();
  json_out w(out);
  w.begin_object();
  w.key("__type").string(qualified_error_type(e.code, which));
  // Messages may quote the client's bytes (an unknown Authorization part).
  if (!e.message.empty()) w.key("message").string(valid_utf8(e.message));
  w.end_object();
  out.pop_back();  // reopen the object for the extra members
  out += e.extra_members;
  out.push_back('}');
}

}  // namespace

std::string_view reply::content_type() const noexcept
{
  return which == api::dynamodb ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
}

api dispatcher::api_of(std::string_view target) noexcept
{
  return target.substr(0, 9) == "DynamoDB_" ? api::dynamodb : api::kinesis;
}

reply dispatcher::error_reply(std::string_view target, api_error const& e)
{
  reply r;
  r.which = api_of(target);
  r.status = error_status(e.code);
  r.error_type = std::string(error_type_name(e.code));
  write_error(r.body, r.which, e);
  return r;
}

dispatcher::dispatcher(local_options options) : state_(std::make_unique<detail::dispatcher_state>())
{
  auto& s = *state_;
  s.options = std::move(options);
  if (s.options.cores == 0) s.options.cores = 1;
  s.account = std::make_shared<account_counters>();
  s.catalog = std::make_shared<kinesis::stream_catalog>();
  s.cores.resize(s.options.cores);
  for (auto& c : s.cores) {
    c.context.options = &s.options;
    c.context.clock = s.options.clock;
    c.context.account = s.account;
  }
  for (std::size_t i = 0; i < s.cores.size(); ++i) {
    auto& c = s.cores[i];
    c.kinesis = std::make_unique<kinesis::kinesis_service>(c.context, s.catalog);
    if (i == s.dynamo_core) c.dynamo = std::make_unique<dynamo::dynamo_service>(c.context);
  }
}

dispatcher::~dispatcher() = default;

local_options const& dispatcher::options() const noexcept { return state_->options; }
std::size_t dispatcher::cores() const noexcept { return state_->cores.size(); }

std::size_t dispatcher::stream_core(std::string_view stream) const noexcept
{
  return state_->cores.size() == 1 ? 0 : place(stream, state_->cores.size());
}

std::size_t dispatcher::table_core() const noexcept { return state_->dynamo_core; }

std::size_t dispatcher::owner(std::string_view target, std::string& body) const
{
  auto const& s = *state_;
  if (s.cores.size() == 1) return 0;
  if (target.substr(0, dynamo_prefix.size()) == dynamo_prefix) return s.dynamo_core;
  if (target.substr(0, kinesis_prefix.size()) != kinesis_prefix) return 0;
  std::string_view const op = target.substr(kinesis_prefix.size());
  if (op == "ListStreams") return 0;
  // A request whose stream cannot be found is answered by core 0 (with the
  // validation or not-found error the full parse produces there).
  std::string name = routing_stream(op, body);
  return name.empty() ? 0 : place(name, s.cores.size());
}

reply dispatcher::handle(std::string_view target, std::string& body)
{
  return handle_on(owner(target, body), target, body);
}

reply dispatcher::handle_on(std::size_t core, std::string_view target, std::string& body)
{
  auto& c = state_->cores[core];
  reply r;
  r.which = api_of(target);
  std::string_view op;
  if (target.substr(0, kinesis_prefix.size()) == kinesis_prefix) {
    op = target.substr(kinesis_prefix.size());
  } else if (target.substr(0, dynamo_prefix.size()) == dynamo_prefix) {
    op = target.substr(dynamo_prefix.size());
  } else {
    return error_reply(target, {errc::unknown_operation, ""});
  }
  outcome<void> result;
  try {
    auto doc = json_in::parse(body);
    if (!doc) return error_reply(target, doc.error());
    auto obj = json_in::root_object(*doc);
    if (!obj) return error_reply(target, obj.error());
    json_out out(r.body);
    if (r.which == api::kinesis) {
      result = c.kinesis->handle(op, *obj, out);
    } else if (c.dynamo) {
      result = c.dynamo->handle(op, *obj, out);
    } else {
      result = api_error{errc::internal_failure, "DynamoDB request routed to a core that does not own the tables"};
    }
  } catch (simdjson::simdjson_error const& e) {
    // Malformed JSON surfaces lazily while members are read.
    result = api_error{errc::serialization, std::string("Malformed request body: ") + e.what()};
  } catch (std::exception const& e) {
    std::fprintf(stderr, "kinesys-local: internal error in %.*s: %s\n", static_cast<int>(target.size()), target.data(), e.what());
    result = api_error{errc::internal_failure, ""};
  }
  if (!result) return error_reply(target, result.error());
  r.status = 200;
  return r;
}

void dispatcher::set_entry_throttle(std::size_t core, std::function<bool()> roll)
{
  state_->cores[core].kinesis->set_entry_throttle(std::move(roll));
}

void dispatcher::maintain(std::size_t core)
{
  auto& c = state_->cores[core];
  c.kinesis->trim(c.context.now_ms());
}

}  // namespace kinesys::local
