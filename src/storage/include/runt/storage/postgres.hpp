#pragma once
// Thin RAII over libpq, shared by the PostgreSQL event store, the account tables and the
// artifacts when `runt serve --store postgresql://...` keeps everything in one database.
// Errors are StorageError carrying PostgreSQL's own message (and SQLSTATE, see sqlstate()).

#include "runt/storage/event_store.hpp"  // StorageError

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct pg_conn;
struct pg_result;

namespace runt::storage::pg {

// A database error: PostgreSQL's message, and its SQLSTATE when the server sent one ("" when
// the connection itself failed).
class Error : public StorageError {
 public:
  Error(const std::string& message, std::string sqlstate) : StorageError(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
};

// Whether `location` names a PostgreSQL database (a libpq URI: postgresql:// or postgres://).
bool is_postgres_uri(std::string_view location);
// `uri` with any password replaced by "***", for logs and error messages.
std::string redact(std::string_view uri);

// One statement parameter: text (or NULL), an integer (sent as text), or bytes (binary, for
// bytea columns: nothing is escaped however large).
class Param {
 public:
  Param(std::nullopt_t) {}
  Param(std::string_view text) : value_(text), present_(true) {}
  Param(const std::string& text) : value_(text), present_(true) {}
  Param(const char* text) : value_(text), present_(true) {}
  Param(std::int64_t number) : owned_(std::to_string(number)), value_(owned_), present_(true) {}
  Param(int number) : Param(static_cast<std::int64_t>(number)) {}
  Param(const std::optional<std::string>& text) : present_(text.has_value()) {
    if (text) value_ = *text;
  }
  static Param bytes(std::string_view data) {
    Param p(data);
    p.binary_ = true;
    return p;
  }
  Param(const Param& other) : owned_(other.owned_), value_(other.value_), present_(other.present_), binary_(other.binary_) {
    if (!owned_.empty()) value_ = owned_;
  }
  Param& operator=(const Param&) = delete;

  const char* data() const { return present_ ? value_.data() : nullptr; }
  int size() const { return static_cast<int>(value_.size()); }
  bool binary() const { return binary_; }

 private:
  std::string owned_;
  std::string_view value_;
  bool present_ = false;
  bool binary_ = false;
};

// A query's rows. Columns are read as text (integers parsed), bytea columns with bytes().
class Result {
 public:
  explicit Result(pg_result* result) : result_(result) {}
  ~Result();
  Result(Result&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  Result& operator=(Result&&) = delete;
  Result(const Result&) = delete;

  int rows() const;
  bool empty() const { return rows() == 0; }
  bool is_null(int row, int col) const;
  std::string_view text(int row, int col) const;
  std::int64_t integer(int row, int col) const;
  // A bytea column returned in binary (queries run with binary_results).
  std::string bytes(int row, int col) const;
  // Rows changed by an INSERT, UPDATE or DELETE.
  std::int64_t affected() const;

 private:
  pg_result* result_;
};

struct QueryOptions {
  bool binary_results = false;  // every column in binary: only for bytea reads
  // Parsed and planned once per session (and again after a reconnect): for the statements run
  // on every push or pull, where planning would cost more than running.
  bool prepared = false;
};

// One connection. Not thread-safe: one user at a time (the stores hold a mutex).
class Connection {
 public:
  // Connects (10 s timeout unless the URI sets connect_timeout); throws Error naming the
  // database (password redacted) and libpq's reason.
  explicit Connection(std::string uri);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Statements without parameters, possibly several separated by ';'.
  void exec(std::string_view sql);
  Result query(std::string_view sql, std::initializer_list<Param> params = {}, QueryOptions options = {});
  Result query(std::string_view sql, const std::vector<Param>& params, QueryOptions options = {});

  // Session settings (SET ...) run now and again after every reconnect, which starts a new
  // session that would otherwise have the server's defaults.
  void set_session(std::string sql);

  // Whether the connection is up; when it is not, one attempt to reconnect (the database may be
  // back). A failed attempt throws Error: callers fail the operation at hand and try again next
  // time, so a node recovers by itself when its database returns.
  void ensure_connected();
  bool broken() const;

  // LISTEN support for Listener: the socket, and the notifications received so far.
  int socket() const;
  struct Notification {
    std::string channel;
    std::string payload;
  };
  std::vector<Notification> take_notifications();

  const std::string& uri() const { return uri_; }

 private:
  [[noreturn]] void fail(pg_result* result, std::string_view what);
  Result run(std::string_view sql, const Param* params, size_t count, QueryOptions options);
  std::string uri_;
  std::string session_sql_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name, this session
  pg_conn* conn_ = nullptr;
};

// BEGIN ... COMMIT, rolled back unless committed (and when the connection broke mid-way).
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.exec("BEGIN"); }
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    done_ = true;
    c_.exec("COMMIT");
  }

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace runt::storage::pg
