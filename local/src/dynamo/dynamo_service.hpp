#pragma once
// The DynamoDB API over the tables one core owns: request parsing,
// expression preparation (cached by text), capacity accounting, and the
// operations. Each operation reads its request object and writes its
// answer, or returns the AWS error.
#include "common/json_in.hpp"
#include "common/json_out.hpp"
#include "common/outcome.hpp"
#include "common/service_context.hpp"
#include "common/validation.hpp"
#include "dynamo/evaluate.hpp"
#include "dynamo/expression.hpp"
#include "dynamo/table.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kinesys::local::dynamo {

/// Told about every change, so persistence can write it down.
class observer {
public:
  virtual ~observer() = default;
  virtual void table_created(table const& t) = 0;
  virtual void table_changed(table const& t) = 0;  // capacity or billing mode
  virtual void table_deleted(std::string const& name) = 0;
  virtual void item_put(table const& t, item_key const& k, item const& it) = 0;
  virtual void item_deleted(table const& t, item_key const& k) = 0;
};

/// The members of an item-level request (PutItem, UpdateItem, ..., and
/// each element of a transaction). Views point into the request body.
struct item_request {
  std::string table_name;
  bool has_table = false;
  std::optional<item> item_value;
  std::optional<item> key;
  std::optional<item> exclusive_start_key;
  std::vector<item> keys;  // BatchGetItem's Keys
  bool has_keys = false;
  std::optional<std::string_view> condition, update, projection, key_condition, filter;
  placeholder_values ph;
  std::string_view return_values = "NONE";
  std::string_view return_capacity = "NONE";
  std::string_view return_on_condition_failure = "NONE";
  std::string_view select;
  std::string_view index_name;
  bool consistent_read = false;
  bool scan_forward = true;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> segment, total_segments;
};

/// Parses the members every item-level call may carry; unknown ones are ignored.
outcome<item_request> read_item_request(json_in::object& obj);

/// The parsed expressions of a request, after placeholder checks.
struct prepared {
  std::shared_ptr<expr::condition const> condition, key_condition, filter;
  std::shared_ptr<expr::update const> update;
  std::shared_ptr<expr::projection const> projection;
};

/// @locality owning core
class dynamo_service {
public:
  explicit dynamo_service(service_context ctx);

  void set_observer(observer* o) noexcept { observer_ = o; }

  outcome<void> handle(std::string_view operation, json_in::object& request, json_out& out);

  table* find_table(std::string_view name) noexcept;
  std::vector<std::string> table_names() const;
  /// Adds a table as restored from disk.
  table& restore_table(std::unique_ptr<table> t);
  service_context const& context() const noexcept { return ctx_; }

  // Shared by the operation files.
  outcome<table*> require_table(std::string_view name);
  outcome<prepared> prepare(item_request const& r);
  dynamodb_limits const& limits() const noexcept { return ctx_.options->dynamodb; }
  /// Takes write capacity; false (nothing taken) when the table has too little.
  bool take_write(table& t, double units);
  /// Read capacity is charged after the fact (the size is known only then);
  /// a table in debt refuses further reads until refilled.
  bool can_read(table& t);
  void charge_read(table& t, double units);
  void write_capacity(json_out& out, std::string_view return_capacity, table const& t, double units) const;
  api_error throughput_exceeded() const;
  observer* obs() const noexcept { return observer_; }

private:
  // dynamo_items.cpp
  outcome<void> put_item(json_in::object& req, json_out& out);
  outcome<void> get_item(json_in::object& req, json_out& out);
  outcome<void> delete_item(json_in::object& req, json_out& out);
  outcome<void> update_item(json_in::object& req, json_out& out);
  // dynamo_query.cpp
  outcome<void> query(json_in::object& req, json_out& out);
  outcome<void> scan(json_in::object& req, json_out& out);
  // dynamo_batch.cpp
  outcome<void> batch_write_item(json_in::object& req, json_out& out);
  outcome<void> batch_get_item(json_in::object& req, json_out& out);
  outcome<void> transact_write_items(json_in::object& req, json_out& out);
  // dynamo_tables.cpp
  outcome<void> create_table(json_in::object& req, json_out& out);
  outcome<void> describe_table(json_in::object& req, json_out& out);
  outcome<void> delete_table(json_in::object& req, json_out& out);
  outcome<void> list_tables(json_in::object& req, json_out& out);
  outcome<void> update_table(json_in::object& req, json_out& out);
  outcome<void> describe_time_to_live(json_in::object& req, json_out& out);
  void write_description(json_out& out, table const& t, std::string_view status) const;

  template <class T>
  using cache = std::unordered_map<std::string, std::shared_ptr<T const>, string_hash, std::equal_to<>>;
  template <class T, class Parse>
  outcome<std::shared_ptr<T const>> cached(cache<T>& c, std::string_view text, std::string_view kind, Parse parse);

  service_context ctx_;
  observer* observer_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<table>, string_hash, std::equal_to<>> tables_;
  cache<expr::condition> conditions_;
  cache<expr::update> updates_;
  cache<expr::projection> projections_;
};

/// Checks a table name (3..255 of [a-zA-Z0-9_.-]).
void validate_table_name(std::string_view name, bool present, std::string_view path, validation_errors& errors);

/// The item-level operations shared by the single calls and transactions:
/// checks the condition of `r` against the current item and computes the
/// item after the write (nullopt = deleted).
struct write_plan {
  item_key key;
  stored_item const* current = nullptr;  // the item before the write (stable until commit)
  std::optional<item> after;
  bool is_delete = false;
  bool condition_failed = false;
  std::vector<std::string> touched;  // top-level names an update changed
  double units = 0;
};
enum class write_kind { put, update, del, check };
/// Moves the request's Item into the plan.
outcome<write_plan> plan_write(dynamo_service& svc, table& t, item_request& r, prepared const& p, write_kind kind);
/// Applies a plan (no checks left to do).
void commit_write(dynamo_service& svc, table& t, write_plan& plan);

}  // namespace kinesys::local::dynamo
