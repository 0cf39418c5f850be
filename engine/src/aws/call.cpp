#include <kinesys/detail/engine/aws/call.hpp>

#include <kinesys/detail/engine/deadline.hpp>
#include <kinesys/detail/engine/error.hpp>

#include <kinesys/detail/codecs/json_reader.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <ostream>

namespace kinesys::engine::aws {
namespace asio = boost::asio;

namespace {

std::string_view bare_type(std::string_view type) {
  if (auto const hash = type.rfind('#'); hash != std::string_view::npos) type.remove_prefix(hash + 1);
  if (auto const colon = type.find(':'); colon != std::string_view::npos) type = type.substr(0, colon);
  return type;
}

// Proxies and load balancers answer with HTML; keep a readable, bounded
// excerpt rather than the whole page.
std::string excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 200)) out.push_back((c == '\n' || c == '\r' || c == '\t') ? ' ' : c);
  if (body.size() > 200) out += "...";
  return out;
}

void parse_cancellation_reasons(simdjson::ondemand::array reasons, std::vector<cancellation_reason>& out) {
  for (auto element : reasons) {
    simdjson::ondemand::object reason;
    if (element.get_object().get(reason)) return;
    cancellation_reason r;
    for (auto field : reason) {
      std::string_view key;
      if (field.unescaped_key().get(key)) return;
      std::string_view text;
      if (key == "Code" && !field.value().get_string().get(text))
        r.code = text;
      else if (key == "Message" && !field.value().get_string().get(text))
        r.message = text;
      else if (key == "Item") {
        simdjson::ondemand::object item;
        if (!field.value().get_object().get(item))
          if (auto parsed = codecs::parse_item(item, "CancellationReasons.Item")) r.item = std::move(*parsed);
      }
    }
    out.push_back(std::move(r));
  }
}

}  // namespace

std::string aws_error::describe() const {
  std::string out;
  if (http_status != 0) {
    out = code.empty() ? std::string("HTTP error") : code;
    out += " (HTTP " + std::to_string(http_status) + ")";
    if (!message.empty()) out += ": " + message;
  } else {
    out = !message.empty() ? message : error ? error.message() : std::string("error");
  }
  if (attempts > 1) out += " [after " + std::to_string(attempts) + " attempts]";
  return out;
}

std::ostream& operator<<(std::ostream& os, aws_error const& e) { return os << e.describe(); }

void throw_exception_from_error(aws_error const& e, boost::source_location const& loc) {
  boost::throw_exception(boost::system::system_error(e.error, e.describe()), loc);
}

aws_error make_aws_error(errc code, std::string message) {
  aws_error e;
  e.error = make_error_code(code);
  e.message = std::move(message);
  e.kind = failure_class::permanent;
  return e;
}

aws_error parse_error_response(http_response const& response) {
  aws_error e;
  e.http_status = response.status;
  e.error = make_error_code(errc::service_error);
  e.request_id = std::string(response.header("x-amzn-RequestId"));

  std::string_view type;
  std::string body = response.body;  // a private copy: simdjson wants padding
  bool parsed = false;
  if (!body.empty() && body.find('{') != std::string::npos) {
    auto& parser = codecs::thread_json_parser();
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (!parser.iterate(codecs::padded(body)).get(doc) && !doc.get_object().get(object)) {
      parsed = true;
      for (auto field : object) {
        std::string_view key;
        if (field.unescaped_key().get(key)) {
          parsed = false;
          break;
        }
        std::string_view text;
        if ((key == "__type" || key == "code") && !field.value().get_string().get(text))
          e.code = bare_type(text);
        else if ((key == "message" || key == "Message") && !field.value().get_string().get(text))
          e.message = text;
        else if (key == "CancellationReasons") {
          simdjson::ondemand::array reasons;
          if (!field.value().get_array().get(reasons)) parse_cancellation_reasons(reasons, e.cancellation_reasons);
        }
      }
    }
  }
  if (e.code.empty()) {
    type = response.header("X-Amzn-ErrorType");
    e.code = bare_type(type);
  }
  if (!parsed && e.message.empty() && !response.body.empty()) e.message = excerpt(response.body);
  if (e.message.empty() && e.code.empty()) e.message = "HTTP " + std::to_string(response.status) + " with no error body";
  e.kind = classify(response.status, {}, e.code);
  return e;
}

aws_json_client::aws_json_client(http_client& http, json_protocol protocol, endpoint ep, credentials creds,
                                 std::string region, aws_client_options options)
    : http_(http),
      protocol_(protocol),
      endpoint_(std::move(ep)),
      host_(endpoint_.authority()),
      creds_(std::move(creds)),
      signer_(std::move(region), std::string(protocol.signing_name)),
      retry_(options.retry, options.jitter_seed != 0 ? options.jitter_seed : retry_policy::default_seed()),
      options_(std::move(options)) {}

http_request aws_json_client::make_request(std::string_view operation, std::string const& body) {
  http_request request;
  request.method = "POST";
  request.target = "/";
  request.headers.reserve(8);
  request.headers.push_back({"Host", host_});
  request.headers.push_back({"Content-Type", std::string(protocol_.content_type)});
  std::string target;
  target.reserve(protocol_.target_prefix.size() + operation.size());
  target += protocol_.target_prefix;
  target += operation;
  request.headers.push_back({"X-Amz-Target", std::move(target)});
  request.headers.push_back({"User-Agent", options_.user_agent});
  // The body is not copied into the request: it is sent from the caller's
  // buffer (up to 5 MiB, and a copy per attempt would cost its allocation
  // and page faults).
  signer_.sign(request, std::string_view(body), creds_, std::chrono::system_clock::now());
  return request;
}

asio::awaitable<aws_result<http_response>> aws_json_client::call(std::string_view operation, std::string const& body) {
  ++stats_.calls;
  for (unsigned attempt = 1;; ++attempt) {
    ++stats_.attempts;
    auto response = co_await http_.request(endpoint_, make_request(operation, body), body);

    aws_error error;
    if (!response) {
      error.error = response.error();
      error.message = engine::describe(response.error(), endpoint_);
      error.kind = classify(0, response.error());
    } else if (response->status >= 200 && response->status < 300) {
      co_return std::move(*response);
    } else {
      error = parse_error_response(*response);
    }
    error.attempts = attempt;
    if (error.kind == failure_class::throttling) ++stats_.throttled;
    if (error.kind == failure_class::transient) ++stats_.transient;
    if (!retry_.should_retry(error.kind, attempt)) co_return error;

    auto const delay = retry_.backoff(attempt, error.kind);
    if (options_.on_retry) options_.on_retry(error, delay);
    stats_.backoff_total += delay;
    auto [slept] = co_await async_sleep(delay, asio::as_tuple(asio::use_awaitable));
    if (slept) {
      // Shutdown or cancellation while backing off: report that, not the
      // failure we were about to retry, so callers can tell the two apart.
      error.message = "gave up retrying (" + slept.message() + ") after: " + error.describe();
      error.error = slept;
      error.kind = failure_class::permanent;
      co_return error;
    }
  }
}

}  // namespace kinesys::engine::aws
