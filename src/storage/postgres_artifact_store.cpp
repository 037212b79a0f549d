#include "runt/storage/artifact_store.hpp"

#include "local_files.hpp"
#include "sha256.hpp"

#include "runt/base/ids.hpp"
#include "runt/storage/postgres.hpp"
#include "runt/storage/postgres_schema.hpp"

#include <mutex>
#include <vector>

namespace runt::storage {

namespace {

// A content is kept in pieces: neither runt nor PostgreSQL ever holds a whole artifact of
// hundreds of MiB in one value, and a piece is small next to a server's memory.
constexpr size_t kPieceBytes = 1u << 20;

// Version 1. Names apart from the accounts' `artifacts` table (which notebook refers to which
// hash). A blob row is written in the same transaction as its pieces: once it is visible, the
// content is whole. Pieces are compressed already more often than not (images): stored as they
// come, without TOAST's compression.
constexpr std::string_view kArtifactsV1 = R"(
  CREATE TABLE artifact_blobs (
    hash text PRIMARY KEY,  -- lower-case hex SHA-256 of the content
    size bigint NOT NULL,
    pieces integer NOT NULL
  );
  CREATE TABLE artifact_pieces (
    hash text NOT NULL REFERENCES artifact_blobs (hash),
    n integer NOT NULL,  -- 0, 1, ... in content order
    data bytea NOT NULL,
    PRIMARY KEY (hash, n)
  );
  ALTER TABLE artifact_pieces ALTER COLUMN data SET STORAGE EXTERNAL;
)";
constexpr std::string_view kArtifactsMigrations[] = {kArtifactsV1};

// Connections for the store's users: the event loop (downloads) and a worker (hashing and
// storing uploads) each take their own instead of waiting behind a long upload.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::string uri) : uri_(std::move(uri)) {}

  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<pg::Connection> c) : pool_(pool), c_(std::move(c)) {}
    ~Lease() { pool_.give_back(std::move(c_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    pg::Connection& operator*() { return *c_; }
    pg::Connection* operator->() { return c_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<pg::Connection> c_;
  };

  Lease take() {
    {
      const std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto c = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(c));
      }
    }
    return Lease(*this, std::make_unique<pg::Connection>(uri_));  // connects outside the lock
  }

 private:
  // Kept for the next user unless enough are idle already.
  static constexpr size_t kMaxIdle = 2;
  void give_back(std::unique_ptr<pg::Connection> c) {
    const std::lock_guard lock(mutex_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(c));
  }

  std::string uri_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<pg::Connection>> idle_;
};

class PostgresArtifactStore final : public ArtifactStore {
 public:
  PostgresArtifactStore(const std::string& uri, std::filesystem::path local_dir) : pool_(uri), local_dir_(std::move(local_dir)) {
    auto db = pool_.take();
    pg::ensure_schema(*db, "artifacts", kArtifactsMigrations);
    local::prepare_staging_dir(local_dir_);
  }

  bool shared() const override { return true; }

  std::string put(std::string_view bytes) override {
    const std::string hash = sha256_hex(bytes);
    auto db = pool_.take();
    store(*db, hash, bytes.size(), [&](std::int64_t n) { return bytes.substr(static_cast<size_t>(n) * kPieceBytes, kPieceBytes); });
    return hash;
  }

  std::optional<std::string> get(std::string_view hash) override {
    if (!is_sha256_hex(hash)) return std::nullopt;
    std::string content;
    if (!fetch(hash, [&](std::string_view piece) { content += piece; })) return std::nullopt;
    return content;
  }

  std::optional<std::filesystem::path> file_of(std::string_view hash) override {
    if (!is_sha256_hex(hash)) return std::nullopt;
    const auto cached = local_dir_ / std::string(hash);
    std::error_code ec;
    if (std::filesystem::is_regular_file(cached, ec)) return cached;
    // Written whole and fsynced before it is renamed into place: a file under a hash's name
    // always holds that hash's content, whoever wrote it (two downloads at once both may).
    const auto temp = local_dir_ / (std::string(hash) + ".tmp" + base::random_hex(8));
    local::RemoveOnExit cleanup{temp};
    std::optional<local::OutputFile> out;
    Sha256 check;
    if (!fetch(hash, [&](std::string_view piece) {
          if (!out) out.emplace(temp);
          check.update(piece);
          out->write(piece);
        }))
      return std::nullopt;
    if (!out) out.emplace(temp);  // the empty content
    out->finish();
    if (check.finish() != hash) throw StorageError("artifact " + std::string(hash) + " in the database does not match its hash");
    local::rename(temp, cached, "artifact " + std::string(hash));
    return cached;
  }

  std::filesystem::path new_staging_file() override { return local::new_staging_path(local_dir_); }

  // Read twice: once to learn the hash (the blob's key), once to store it, unless another upload
  // stored the same content already. Both reads are of a local file the upload just wrote.
  Adopted adopt(const std::filesystem::path& staging) override {
    local::RemoveOnExit cleanup{staging};
    Adopted out;
    std::string buffer(kPieceBytes, '\0');
    {
      local::InputFile in(staging);
      Sha256 hash;
      for (std::string_view piece; !(piece = in.read(buffer)).empty();) {
        hash.update(piece);
        out.size += piece.size();
      }
      out.hash = hash.finish();
    }
    auto db = pool_.take();
    local::InputFile in(staging);
    store(*db, out.hash, out.size, [&](std::int64_t) { return in.read(buffer); });
    return out;
  }

  std::vector<std::string> hashes() override {
    auto db = pool_.take();
    const auto r = db->query("SELECT hash FROM artifact_blobs ORDER BY hash");
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0));
    return out;
  }

 private:
  // Stores `size` bytes under `hash` unless they are there, taking the pieces from
  // `piece(n)` in order. Durable on return: committed with synchronous_commit on, whatever the
  // server's default (SET LOCAL, so it holds also on a connection libpq re-made).
  template <class NextPiece>
  void store(pg::Connection& db, const std::string& hash, std::uintmax_t size, NextPiece piece) {
    const auto pieces = static_cast<std::int64_t>((size + kPieceBytes - 1) / kPieceBytes);
    if (!db.query("SELECT 1 FROM artifact_blobs WHERE hash = $1", {hash}).empty()) return;
    pg::Transaction transaction(db);
    db.exec("SET LOCAL synchronous_commit = on");
    // Another node storing the same content at the same moment: this insert waits for its
    // commit and then does nothing (or goes ahead if it rolled back).
    const auto inserted = db.query("INSERT INTO artifact_blobs (hash, size, pieces) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                   {hash, static_cast<std::int64_t>(size), pieces});
    if (inserted.affected() == 0) return;
    for (std::int64_t n = 0; n < pieces; ++n) {
      const std::string_view data = piece(n);
      if (data.empty()) throw StorageError("artifact " + hash + " ended early while being stored");
      db.query("INSERT INTO artifact_pieces (hash, n, data) VALUES ($1, $2, $3)", {hash, n, pg::Param::bytes(data)});
    }
    transaction.commit();
  }

  // Calls `sink` with each piece of a hash's content in order; false when the hash is unknown.
  template <class Sink>
  bool fetch(std::string_view hash, Sink sink) {
    auto db = pool_.take();
    const auto blob = db->query("SELECT pieces, size FROM artifact_blobs WHERE hash = $1", {hash});
    if (blob.empty()) return false;
    const std::int64_t pieces = blob.integer(0, 0);
    for (std::int64_t n = 0; n < pieces; ++n) {
      const auto r = db->query("SELECT data FROM artifact_pieces WHERE hash = $1 AND n = $2", {hash, n}, {.binary_results = true});
      if (r.empty()) throw StorageError("artifact " + std::string(hash) + " is missing piece " + std::to_string(n) + " in the database");
      sink(r.text(0, 0));
    }
    return true;
  }

  ConnectionPool pool_;
  std::filesystem::path local_dir_;
};

}  // namespace

std::unique_ptr<ArtifactStore> open_postgres_artifact_store(const std::string& uri, const std::filesystem::path& local_dir) {
  return std::make_unique<PostgresArtifactStore>(uri, local_dir);
}

}  // namespace runt::storage
