// `runt migrate` from a real SQLite data directory into a real PostgreSQL database (ctest
// fixture `postgres`), through the library and through the binary as a user runs it.

#include "runt/migrate/migrate.hpp"

#include "runt/auth/accounts.hpp"

#include "runt/protocol/frames.hpp"
#include "runt/schema/json.hpp"
#include "runt/storage/artifact_store.hpp"
#include "runt/storage/event_store.hpp"
#include "runt/storage/postgres.hpp"

#include "postgres_database.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

namespace runt::migrate {
namespace {

namespace fs = std::filesystem;
using protocol::WireEvent;
using storage::Append;
using storage::StoredEvent;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A golden vector's events, exact args text as the JSON codec writes it.
std::vector<WireEvent> vector_events(const std::string& name) {
  const auto doc = schema::parse_json(slurp(fs::path(RUNT_VECTORS_DIR) / name));
  std::vector<WireEvent> out;
  for (const auto& e : doc.at("events")) {
    WireEvent w{e.at("name").get<std::string>(), std::nullopt, e.at("seqNum").get<std::int64_t>(),
                e.at("parentSeqNum").get<std::int64_t>(), e.at("clientId").get<std::string>(), e.at("sessionId").get<std::string>()};
    if (e.contains("args")) w.args = schema::to_js_string(e.at("args"));
    out.push_back(std::move(w));
  }
  return out;
}

// Appends `events` to a log in pushes of `per_push`, each with its own createdAt.
void append_in_pushes(storage::EventStore& store, const std::string& id, const std::vector<WireEvent>& events, size_t per_push) {
  for (size_t at = 0; at < events.size(); at += per_push) {
    const auto push = std::span(events).subspan(at, std::min(per_push, events.size() - at));
    const std::string created = "2025-06-23T03:44:" + std::to_string(10 + at % 50) + "." + std::to_string(100 + at) + "Z";
    store.append(std::vector<Append>{{id, push, created}});
  }
}

struct Result {
  int status = -1;
  std::string out;
  std::string err;
};

class Migrate : public testing::Test {
 protected:
  Migrate() {
    // A data directory as runt serve leaves it: logs of real sessions, text no codec may touch,
    // and artifacts (one of several MiB).
    auto store = storage::open_sqlite_store(data_ / "runt.sqlite");
    append_in_pushes(*store, "real", vector_events("realistic-session.json"), 7);
    append_in_pushes(*store, "every", vector_events("every-event.json"), 1);
    append_in_pushes(*store, "quirks", vector_events("quirks.json"), 3);
    const std::vector<WireEvent> odd{
        {"v1.Debug", R"({"b":1.50,"a":"\u00e9 é \\N tab	 \\t"})", 1, 0, "c\\N", "s\tx"},
        {"v1.AllExecutionsCancelled", std::nullopt, 2, 1, "c", "s"},
        {"v1.Debug", "{\"multi\":\"line\nbreak\r\n\"}", 3, 2, "c", "s"},
    };
    append_in_pushes(*store, "odd", odd, 2);
    auto artifacts = storage::open_file_artifact_store(data_ / "artifacts");
    artifacts->put(std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    artifacts->put(std::string((3u << 20) + 5, '\\'));
    // Accounts: a user with a key, a login, her notebook shared with another, an artifact record.
    auth::Accounts accounts(data_ / "runt.sqlite", "");
    alice_key_ = accounts.create_key("alice", {.grant_runtimes = true});
    bob_key_ = accounts.create_key("bob");
    const auto alice = *accounts.authenticate(alice_key_);
    accounts.create_notebook(alice, "real");
    accounts.grant(alice, "real", "bob", auth::Role::reader);
    accounts.add_artifact("real", sha256_of_png_, "image/png", 10);
    session_ = accounts.start_session(alice_key_)->id;
    // Two revocations: the count a server writes pushes under must not start again at 0.
    for (const char* left : {"carol", "dave"}) {
      accounts.create_key(left);
      accounts.revoke_keys(left);
    }
    revocations_ = accounts.revision_now();
  }
  std::uint64_t revocations_ = 0;
  std::string alice_key_, bob_key_, session_;
  const std::string sha256_of_png_ = storage::sha256_hex(std::string("\x89PNG\r\n\x1a\n\0\0", 10));

  Options options() const { return Options{data_, db_.uri()}; }

  // Every log of a store, whole, by id.
  static std::map<std::string, std::vector<StoredEvent>> logs_of(storage::EventStore& store) {
    std::map<std::string, std::vector<StoredEvent>> out;
    for (const auto& id : store.store_ids()) out[id] = store.read(id, 0, 1'000'000);
    return out;
  }
  static bool equal(const std::map<std::string, std::vector<StoredEvent>>& a, const std::map<std::string, std::vector<StoredEvent>>& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [id, events] : a) {
      const auto it = b.find(id);
      if (it == b.end() || it->second.size() != events.size()) return false;
      for (size_t i = 0; i < events.size(); ++i)
        if (!(events[i].event == it->second[i].event) || events[i].createdAt != it->second[i].createdAt) return false;
    }
    return true;
  }
  // What GET /api/notebooks/ID/events answers: one LiveStore-encoded event per line.
  static std::string export_of(storage::EventStore& store, const std::string& id) {
    std::string out;
    for (const auto& stored : store.read(id, 0, 1'000'000)) out += protocol::encode_event(stored.event) + "\n";
    return out;
  }

  Result runt(const std::string& args) {
    const fs::path out = temp_.path() / "stdout", err = temp_.path() / "stderr";
    const int raw = std::system((std::string(RUNT_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string()).c_str());
    return Result{WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, slurp(out), slurp(err)};
  }
  std::string replay(const std::string& log) {
    const fs::path file = temp_.path() / "log.ndjson";
    std::ofstream(file, std::ios::binary) << log;
    const auto r = runt("replay " + file.string());
    EXPECT_EQ(r.status, 0) << r.err;
    return r.out;
  }

  testing_support::TempDir temp_{"runt-migrate"};
  fs::path data_ = temp_.path() / "data";
  testing_support::PostgresDatabase db_;
};

TEST_F(Migrate, RoundTripKeepsEveryLogByteForByteWithTheSameReplayAndExport) {
  const auto r = runt("migrate --from " + data_.string() + " --to '" + db_.uri() + "'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("4 logs with"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 artifacts (2 copied now)"), std::string::npos) << r.out;

  auto source = storage::open_sqlite_store(data_ / "runt.sqlite");
  auto target = storage::open_postgres_store(db_.uri());
  EXPECT_TRUE(equal(logs_of(*source), logs_of(*target)));
  for (const std::string id : {"real", "every", "quirks", "odd"}) {
    EXPECT_EQ(target->head(id), source->head(id)) << id;
    EXPECT_EQ(target->last(id, "v1.CellCreated").has_value(), source->last(id, "v1.CellCreated").has_value()) << id;
    const std::string exported = export_of(*target, id);
    EXPECT_EQ(exported, export_of(*source, id)) << id;
  }
  // `runt replay` of the migrated export gives the same notebook.
  const std::string state = replay(export_of(*target, "real"));
  EXPECT_EQ(state, replay(export_of(*source, "real")));
  EXPECT_NE(state.find("Sales analysis"), std::string::npos);
  EXPECT_EQ(replay(export_of(*target, "every")), replay(export_of(*source, "every")));

  const auto local = temp_.path() / "cache";
  auto artifacts = storage::open_postgres_artifact_store(db_.uri(), local);
  auto original = storage::open_file_artifact_store(data_ / "artifacts");
  EXPECT_EQ(artifacts->hashes(), original->hashes());
  for (const auto& hash : original->hashes()) EXPECT_EQ(artifacts->get(hash), original->get(hash));

  // The same people with the same keys, logins and access.
  auto accounts = auth::Accounts::open(db_.uri(), temp_.path(), "");
  const auto alice = accounts.authenticate(alice_key_);
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->id, "alice");
  EXPECT_TRUE(accounts.may_run_code("alice"));
  EXPECT_EQ(accounts.session_user(session_), alice);
  EXPECT_EQ(accounts.owner("real"), "alice");
  EXPECT_EQ(accounts.role(*accounts.authenticate(bob_key_), "real"), auth::Role::reader);
  EXPECT_FALSE(accounts.may_run_code("bob"));
  ASSERT_TRUE(accounts.find_artifact("real", sha256_of_png_));
  EXPECT_EQ(accounts.find_artifact("real", sha256_of_png_)->content_type, "image/png");
  EXPECT_FALSE(accounts.authenticate("runt_not-a-key"));
  EXPECT_EQ(revocations_, 2u);
  EXPECT_EQ(accounts.revision_now(), revocations_);
}

TEST_F(Migrate, RunningAgainCopiesOnlyWhatIsNew) {
  const auto first = run(options());
  EXPECT_EQ(first.events_copied(), first.events());
  EXPECT_GT(first.events(), 100);
  EXPECT_EQ(first.artifacts_copied, 2);

  const auto second = run(options());
  EXPECT_EQ(second.events(), first.events());
  EXPECT_EQ(second.events_copied(), 0);
  EXPECT_EQ(second.artifacts, 2);
  EXPECT_EQ(second.artifacts_copied, 0);
  EXPECT_GT(second.account_rows, 5);
  EXPECT_EQ(second.account_rows, first.account_rows);
  EXPECT_EQ(first.account_rows_copied, first.account_rows);
  EXPECT_EQ(second.account_rows_copied, 0);

  // The source moved on (the old server ran a while longer): only that is copied.
  {
    auto source = storage::open_sqlite_store(data_ / "runt.sqlite");
    const std::int64_t head = source->head("odd");
    const std::vector<WireEvent> more{{"v1.Debug", R"({"n":1})", head + 1, head, "c", "s"},
                                      {"v1.Debug", R"({"n":2})", head + 2, head + 1, "c", "s"}};
    append_in_pushes(*source, "odd", more, 2);
    const std::vector<WireEvent> fresh{{"v1.Debug", R"({"new":true})", 1, 0, "c", "s"}};
    append_in_pushes(*source, "fresh", fresh, 1);
    storage::open_file_artifact_store(data_ / "artifacts")->put("one more");
  }
  const auto third = run(options());
  EXPECT_EQ(third.events_copied(), 3);
  EXPECT_EQ(third.events(), first.events() + 3);
  EXPECT_EQ(third.artifacts_copied, 1);
  auto source = storage::open_sqlite_store(data_ / "runt.sqlite");
  auto target = storage::open_postgres_store(db_.uri());
  EXPECT_TRUE(equal(logs_of(*source), logs_of(*target)));
}

// A target whose log differs from the source's (another deployment, or a log that moved on
// there) is refused before anything is written.
TEST_F(Migrate, ADivergedTargetIsRefusedAndLeftAsItWas) {
  {
    auto target = storage::open_postgres_store(db_.uri());
    auto source = storage::open_sqlite_store(data_ / "runt.sqlite");
    auto odd = source->read("odd", 0, 100);
    std::vector<WireEvent> changed{odd[0].event, odd[1].event};
    changed[1].clientId = "someone-else";
    target->append(std::vector<Append>{{"odd", std::span(changed).subspan(0, 1), odd[0].createdAt},
                                       {"odd", std::span(changed).subspan(1, 1), odd[1].createdAt}});
  }
  try {
    run(options());
    ADD_FAILURE() << "migrated into a diverged target";
  } catch (const Diverged& e) {
    EXPECT_NE(std::string(e.what()).find("log odd"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("seqNum 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("clientId"), std::string::npos) << e.what();
  }
  auto target = storage::open_postgres_store(db_.uri());
  EXPECT_EQ(target->store_ids(), std::vector<std::string>{"odd"});  // nothing else was copied
  EXPECT_EQ(target->head("odd"), 2);
  EXPECT_TRUE(storage::open_postgres_artifact_store(db_.uri(), temp_.path() / "cache")->hashes().empty());

  // The binary says so and fails.
  const auto r = runt("migrate --from " + data_.string() + " --to '" + db_.uri() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("refusing to migrate"), std::string::npos) << r.err;
}

TEST_F(Migrate, ATargetAheadOfTheSourceIsRefused) {
  run(options());
  {
    auto target = storage::open_postgres_store(db_.uri());
    const std::int64_t head = target->head("odd");
    const std::vector<WireEvent> more{{"v1.Debug", "{}", head + 1, head, "c", "s"}};
    target->append(std::vector<Append>{{"odd", more, "t"}});
  }
  EXPECT_THROW(run(options()), Diverged);
}

TEST_F(Migrate, AMissingOrBadSourceIsAClearErrorWithExitCode2) {
  const std::string to = " --to '" + db_.uri() + "'";
  auto r = runt("migrate --from " + (temp_.path() / "nowhere").string() + to);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no data directory at"), std::string::npos) << r.err;

  fs::create_directories(temp_.path() / "empty");
  r = runt("migrate --from " + (temp_.path() / "empty").string() + to);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a runt data directory"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(temp_.path() / "empty" / "runt.sqlite"));  // nothing created there

  fs::create_directories(temp_.path() / "garbage");
  std::ofstream(temp_.path() / "garbage" / "runt.sqlite") << "this is not a database, just text that is long enough to look like a header";
  r = runt("migrate --from " + (temp_.path() / "garbage").string() + to);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("cannot read"), std::string::npos) << r.err;

  r = runt("migrate --from " + data_.string() + " --to /var/lib/somewhere");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("PostgreSQL URI"), std::string::npos) << r.err;

  EXPECT_TRUE(storage::open_postgres_store(db_.uri())->store_ids().empty());
}

}  // namespace
}  // namespace runt::migrate
