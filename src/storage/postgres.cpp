#include "runt/storage/postgres.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <charconv>
#include <regex>

namespace runt::storage::pg {

bool is_postgres_uri(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

std::string redact(std::string_view uri) {
  // scheme://user:password@host... -> scheme://user:***@host...
  static const std::regex password(R"(^(postgres(?:ql)?://[^:/@?]*:)[^@/?]*@)");
  std::string out = std::regex_replace(std::string(uri), password, "$1***@");
  static const std::regex query_password(R"(([?&]password=)[^&]*)");
  return std::regex_replace(out, query_password, "$1***");
}

Result::~Result() {
  if (result_) PQclear(result_);
}

int Result::rows() const { return PQntuples(result_); }

bool Result::is_null(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::string_view Result::text(int row, int col) const {
  return {PQgetvalue(result_, row, col), static_cast<size_t>(PQgetlength(result_, row, col))};
}

std::int64_t Result::integer(int row, int col) const {
  const std::string_view t = text(row, col);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (ec != std::errc{} || end != t.data() + t.size())
    throw StorageError("PostgreSQL returned " + std::string(t) + " where an integer was expected");
  return value;
}

std::string Result::bytes(int row, int col) const { return std::string(text(row, col)); }

std::int64_t Result::affected() const {
  const char* n = PQcmdTuples(result_);
  return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(std::string uri) : uri_(std::move(uri)) {
  conn_ = PQconnectdb(uri_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = conn_ ? PQerrorMessage(conn_) : "out of memory";
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    throw Error("cannot connect to PostgreSQL at " + redact(uri_) + ": " + reason, "");
  }
  // Notices (e.g. "relation already exists, skipping") are not errors: keep them off stderr.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

bool Connection::broken() const { return conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK; }

void Connection::ensure_connected() {
  // Between transactions, a server that went away (restarted, or this backend terminated) has
  // left EOF on the socket: reading it now marks the connection bad, so it is re-made before
  // the next statement instead of that statement failing.
  // A terminated backend first sends its FATAL message, then closes: read until the socket has
  // nothing more to say (a few rounds at most).
  for (int round = 0; round < 4 && !broken() && PQtransactionStatus(conn_) == PQTRANS_IDLE; ++round) {
    pollfd pending{PQsocket(conn_), POLLIN, 0};
    if (::poll(&pending, 1, 0) <= 0) break;  // nothing waiting: the connection looks alive
    PQconsumeInput(conn_);
  }
  if (!broken()) return;
  PQreset(conn_);  // conn_ is never null: the constructor throws instead
  prepared_.clear();  // a new session has none
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string reason = PQerrorMessage(conn_);
    while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
    throw Error("PostgreSQL at " + redact(uri_) + " is unavailable: " + reason, "");
  }
  if (!session_sql_.empty()) {
    PGresult* r = PQexec(conn_, session_sql_.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) fail(r, "restoring the session settings");
    PQclear(r);
  }
}

void Connection::set_session(std::string sql) {
  exec(sql);
  session_sql_ = std::move(sql);
}

void Connection::fail(PGresult* result, std::string_view what) {
  std::string sqlstate;
  std::string message;
  if (result) {
    if (const char* s = PQresultErrorField(result, PG_DIAG_SQLSTATE)) sqlstate = s;
    message = PQresultErrorMessage(result);
    PQclear(result);
  }
  if (message.empty()) message = PQerrorMessage(conn_);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (broken()) message = "lost the connection to PostgreSQL at " + redact(uri_) + ": " + message;
  throw Error(std::string(what) + ": " + message, sqlstate);
}

void Connection::exec(std::string_view sql) {
  ensure_connected();
  const std::string text(sql);
  PGresult* r = PQexec(conn_, text.c_str());
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, text.substr(0, 60));
  PQclear(r);
}

Result Connection::run(std::string_view sql, const Param* params, size_t count, QueryOptions options) {
  ensure_connected();
  std::vector<const char*> values(count);
  std::vector<int> lengths(count);
  std::vector<int> formats(count);
  for (size_t i = 0; i < count; ++i) {
    values[i] = params[i].data();
    lengths[i] = params[i].size();
    formats[i] = params[i].binary() ? 1 : 0;
  }
  const std::string text(sql);
  PGresult* r = nullptr;
  if (options.prepared) {
    auto it = prepared_.find(text);
    if (it == prepared_.end()) {
      const std::string name = "runt_" + std::to_string(prepared_.size() + 1);
      PGresult* p = PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(count), nullptr);
      if (PQresultStatus(p) != PGRES_COMMAND_OK) fail(p, text.substr(0, 60));
      PQclear(p);
      it = prepared_.emplace(text, name).first;
    }
    r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(count), values.data(), lengths.data(), formats.data(),
                       options.binary_results ? 1 : 0);
  } else {
    r = PQexecParams(conn_, text.c_str(), static_cast<int>(count), nullptr, values.data(), lengths.data(),
                     formats.data(), options.binary_results ? 1 : 0);
  }
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r, text.substr(0, 60));
  return Result(r);
}

Result Connection::query(std::string_view sql, std::initializer_list<Param> params, QueryOptions options) {
  return run(sql, params.begin(), params.size(), options);
}

Result Connection::query(std::string_view sql, const std::vector<Param>& params, QueryOptions options) {
  return run(sql, params.data(), params.size(), options);
}

int Connection::socket() const { return conn_ ? PQsocket(conn_) : -1; }

std::vector<Connection::Notification> Connection::take_notifications() {
  std::vector<Notification> out;
  if (!conn_) return out;
  if (PQconsumeInput(conn_) != 1) return out;  // broken: the caller sees broken()
  while (PGnotify* n = PQnotifies(conn_)) {
    out.push_back({n->relname, n->extra});
    PQfreemem(n);
  }
  return out;
}

Transaction::~Transaction() {
  if (done_ || c_.broken()) return;
  try {
    c_.exec("ROLLBACK");
  } catch (const StorageError&) {
    // The connection is gone: PostgreSQL rolls the transaction back by itself.
  }
}

}  // namespace runt::storage::pg
