#pragma once
// A PostgreSQL cluster of one's own (tests/support/pg_cluster.sh in a fresh temporary
// directory), for what must not disturb the tests' shared cluster: stopping the database under
// a store, or a benchmark's own measurements. Stopped and removed on destruction, also when a
// test fails half-way. Needs RUNT_SOURCE_DIR defined to the source tree.

#include <stdlib.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace runt::testing_support {

class ThrowawayCluster {
 public:
  ThrowawayCluster() {
    std::string pattern = (std::filesystem::temp_directory_path() / "runt-pg-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    parent_ = pattern;
    ::chmod(parent_.c_str(), 0755);  // the server runs as user postgres when we are root
    dir_ = parent_ / "cluster";
    uri_ = run("start");
    if (!uri_.starts_with("postgresql://")) throw std::runtime_error("pg_cluster.sh start failed");
  }
  ~ThrowawayCluster() {
    run("stop");
    std::error_code ignored;
    std::filesystem::remove_all(parent_, ignored);
  }
  ThrowawayCluster(const ThrowawayCluster&) = delete;
  ThrowawayCluster& operator=(const ThrowawayCluster&) = delete;

  // The cluster's `postgres` database.
  const std::string& uri() const { return uri_; }
  // Stops it at once, as a crash would: every connection is cut.
  void kill() { run("kill"); }
  void restart() { run("restart"); }

 private:
  std::string run(const std::string& action) {
    const std::string command =
        std::string(RUNT_SOURCE_DIR) + "/tests/support/pg_cluster.sh " + action + " " + dir_.string() + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    std::array<char, 512> buffer{};
    while (std::fgets(buffer.data(), static_cast<int>(buffer.size()), pipe.get())) out += buffer.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    const int status = ::pclose(pipe.release());
    if (status != 0 && action != "stop") throw std::runtime_error("pg_cluster.sh " + action + " failed: " + out);
    return out;
  }

  std::filesystem::path parent_, dir_;
  std::string uri_;
};

}  // namespace runt::testing_support
