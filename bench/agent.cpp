// bench/agent: what the runtime agent adds on top of a raw Jupyter client, measured against
// raw jupyter_client (Debian's /usr/bin/python3, bench/peer_jupyter_client.py) on the same
// kernelspec in the same run.
//   ready:   agent start -> a second client sees the session ready   (peer: kernel start -> kernel_info reply)
//   latency: client A commits ExecutionRequested for `1+1` -> client B sees the result output
//            (peer: execute_request -> execute_result on iopub), p50/p99 over N runs
//   flood:   `for i in range(10**6): print(i)` -> B sees the completion; all 6,888,890 bytes must
//            be in the notebook (peer: drain iopub to idle)
// Usage: agent [N]   (default 100)

#include "runt/agent/agent.hpp"
#include "runt/agent/kernel_runtime.hpp"
#include "runt/schema/queries.hpp"
#include "in_process_server.hpp"
#include "runt/sync/client.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {

using namespace std::chrono_literals;
namespace events = runt::schema::events;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string run_peer(const std::string& args) {
  const std::string cmd = "/usr/bin/python3 " + std::string(RUNT_BENCH_DIR) + "/peer_jupyter_client.py " + args + " 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (pipe && fgets(buf, sizeof buf, pipe)) out += buf;
  if (pipe) pclose(pipe);
  return out;
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p / 100 * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 100;
  auto server = std::make_unique<runt::bench::InProcessServer>("agent");
  const fs::path dir = server->dir();
  const std::string url = server->sync_url();

  boost::asio::io_context io;
  auto client = [&](const std::string& name) {
    runt::sync::ClientOptions o;
    o.url = url;
    o.store_id = "bench";
    o.payload = {{"authToken", "bench-token"}};
    o.client_id = name;
    o.session_id = name;
    auto c = std::make_unique<runt::sync::SyncClient>(io, o);
    c->start();
    return c;
  };
  auto a = client("a"), b = client("b");
  auto run_until = [&](auto done, std::chrono::seconds limit) {
    const auto until = Clock::now() + limit;
    // One handler at a time, so the moment B's client has the result is the moment it counts
    // (run_for(1ms) would add up to a millisecond of its own to every figure).
    while (!done() && Clock::now() < until) io.run_one_for(1ms);
    return done();
  };
  run_until([&] { return a->replica().synced() && b->replica().synced(); }, 10s);

  // Ready time.
  runt::agent::KernelRuntimeOptions kernel_options;
  kernel_options.runtime_dir = dir / "kernels";
  runt::agent::AgentConfig config;
  config.sync_url = url;
  config.notebook_id = "bench";
  config.auth_token = "bench-token";
  config.runtime_id = "bench-agent";
  const auto spec = runt::kernel::find_kernelspec("python3", {"/usr/share/jupyter/kernels"});
  if (!spec) {
    std::fprintf(stderr, "bench/agent: Debian's python3 kernelspec is missing (scripts/bootstrap installs it)\n");
    return 1;
  }
  runt::agent::RuntimeAgent agent(config, runt::agent::make_kernel_runtime(*spec, kernel_options),
                                  runt::agent::server_notebook(config.sync_url, config.notebook_id, config.auth_token, config.log));
  const auto t_start = Clock::now();
  std::thread agent_thread([&] { agent.run(); });
  const bool ready = run_until([&] {
    for (const auto* s : b->replica().state().runtimeSessions.in_insertion_order())
      if (s->isActive && s->status == runt::schema::RuntimeStatus::ready) return true;
    return false;
  }, 60s);
  const double ready_s = std::chrono::duration<double>(Clock::now() - t_start).count();

  // Latency: A asks, B sees the result.
  a->commit(events::CellCreatedV2{"calc", "a0", runt::schema::CellType::code, "a"});
  a->commit(events::CellSourceChanged{"calc", "1+1", "a"});
  std::int64_t results = 0;
  b->subscribe([&](const runt::sync::Change& change) {
    for (const auto& e : change.upstream)
      if (e.name == "v1.MultimediaResultOutputAdded") ++results;
  });
  std::vector<double> latencies;
  for (int i = 0; i <= n && ready; ++i) {
    const std::int64_t before = results;
    const auto t0 = Clock::now();
    a->commit(events::ExecutionRequested{"lat-" + std::to_string(i), "calc", i + 1, "a", std::nullopt});
    if (!run_until([&] { return results > before; }, 30s)) break;
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (i > 0) latencies.push_back(ms);  // i == 0 warms up
    // Untimed, as the peer drains iopub to idle before its next request: the next one starts on
    // a finished execution, not on the kernel's and the agent's tail of this one.
    const std::string queue_id = "lat-" + std::to_string(i);
    if (!run_until([&] {
          const auto* row = b->replica().state().executionQueue.find(queue_id);
          return row && row->status == runt::schema::QueueStatus::completed;
        }, 30s))
      break;
  }

  // Flood.
  a->commit(events::CellCreatedV2{"flood", "a1", runt::schema::CellType::code, "a"});
  a->commit(events::CellSourceChanged{"flood", "for i in range(10**6):\n    print(i)", "a"});
  const auto t_flood = Clock::now();
  a->commit(events::ExecutionRequested{"flood-1", "flood", 1, "a", std::nullopt});
  const bool flooded = run_until([&] {
    const auto* row = b->replica().state().executionQueue.find("flood-1");
    return row && row->status == runt::schema::QueueStatus::completed;
  }, 300s);
  const double flood_s = std::chrono::duration<double>(Clock::now() - t_flood).count();
  std::size_t flood_bytes = 0, flood_outputs = 0;
  for (const auto& view : runt::schema::outputs_of_cell(b->replica().state(), "flood")) {
    flood_bytes += view.text.value_or("").size();
    ++flood_outputs;
  }

  agent.stop();
  agent_thread.join();
  a->stop();
  b->stop();
  io.run_for(50ms);
  server.reset();

  // The peer, same machine, same kernelspec, right after.
  std::istringstream peer_ready(run_peer("ready"));
  std::string label;
  double peer_ready_s = 0;
  peer_ready >> label >> peer_ready_s;
  std::istringstream peer_latency(run_peer("latency " + std::to_string(n)));
  std::vector<double> peer;
  peer_latency >> label;
  for (double v; peer_latency >> v;) peer.push_back(v);
  std::istringstream peer_flood(run_peer("flood"));
  double peer_flood_s = 0;
  std::size_t peer_flood_bytes = 0;
  peer_flood >> label >> peer_flood_s >> label >> peer_flood_bytes;

  std::printf("bench/agent: runt agent (python3 kernel, through runt serve) vs raw jupyter_client, same kernelspec, same run\n");
  std::printf("  ready:   agent start -> session ready seen by another client %.3f s (target <= 1 s); raw kernel start -> kernel_info %.3f s\n",
              ready ? ready_s : -1.0, peer_ready_s);
  std::printf("  latency: request -> result seen by another client p50 %.2f ms p99 %.2f ms; raw execute -> execute_result p50 %.2f ms p99 %.2f ms;"
              " added p50 %.2f ms (target <= 1 ms)\n",
              percentile(latencies, 50), percentile(latencies, 99), percentile(peer, 50), percentile(peer, 99),
              percentile(latencies, 50) - percentile(peer, 50));
  std::printf("  flood:   10^6 prints %.2f s, %zu bytes in %zu outputs%s; raw jupyter_client %.2f s, %zu bytes; ratio %.2fx (target <= 1.5x)\n",
              flooded ? flood_s : -1.0, flood_bytes, flood_outputs, flood_bytes == 6888890 ? " (complete)" : " (INCOMPLETE)", peer_flood_s,
              peer_flood_bytes, flood_s / peer_flood_s);
  return flooded && ready && flood_bytes == 6888890 ? 0 : 1;
}
