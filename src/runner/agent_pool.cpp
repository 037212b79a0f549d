#include "runt/runner/agent_pool.hpp"

#include "runt/agent/agent.hpp"

#include <csignal>
#include <sstream>
#include <unistd.h>
#include <utility>

namespace runt::runner {

struct AgentPool::Slot {
  std::unique_ptr<agent::RuntimeAgent> runner;
  std::thread thread;
  std::atomic<bool> finished{false};       // run() returned or threw
  std::optional<Clock::time_point> unwatched_since;  // nobody has the notebook open since then
};

namespace {

std::string minutes_text(std::chrono::milliseconds idle) {
  std::ostringstream text;
  text << static_cast<double>(idle.count()) / 60000.0;
  return text.str() + (idle == std::chrono::minutes(1) ? " minute" : " minutes");
}

}  // namespace

AgentPool::AgentPool(AgentPoolOptions options, std::ostream& err)
    : options_(std::move(options)), err_(err), accounts_(options_.accounts_file, "") {
  supervisor_ = std::thread([this] { supervise(); });
}

AgentPool::~AgentPool() { stop_all(); }

void AgentPool::ready(std::string sync_url) {
  std::lock_guard lock(mutex_);
  sync_url_ = std::move(sync_url);
  const auto waiting = std::exchange(waiting_, {});
  for (const auto& id : waiting) consider_locked(id);
}

void AgentPool::start_essential(const std::string& notebook) {
  std::lock_guard lock(mutex_);
  essential_ = notebook;
  consider_locked(notebook);
}

void AgentPool::opened(const std::string& notebook) {
  std::lock_guard lock(mutex_);
  open_.insert(notebook);
  if (const auto it = agents_.find(notebook); it != agents_.end()) it->second->unwatched_since.reset();
  consider_locked(notebook);
}

void AgentPool::closed(const std::string& notebook) {
  std::lock_guard lock(mutex_);
  open_.erase(notebook);
  refused_.erase(notebook);
  if (const auto it = agents_.find(notebook); it != agents_.end()) it->second->unwatched_since = Clock::now();
}

std::optional<serve::RuntimeRefusal> AgentPool::refusal(const std::string& notebook) {
  std::lock_guard lock(mutex_);
  if (agents_.contains(notebook)) return std::nullopt;
  const auto it = refused_.find(notebook);
  return it == refused_.end() ? std::nullopt : std::optional(it->second);
}

// Starts a runtime for the notebook if the host allows it, else records why not.
void AgentPool::consider_locked(const std::string& notebook) {
  if (stopping_ || agents_.contains(notebook) || ended_.contains(notebook)) return;
  if (sync_url_.empty()) {
    waiting_.insert(notebook);
    return;
  }
  try {
    const auto owner = accounts_.owner(notebook);
    if (!owner) return;  // not registered: nobody has opened or created it
    if (!accounts_.may_run_code(*owner))
      return refuse_locked(notebook, {"not-allowed",
                                      "runt up runs no code for notebooks owned by " + *owner +
                                          ": its kernels run as the host's own user. The operator can allow it:",
                                      "runt token allow-runtime --user " + *owner});
  } catch (const std::exception& e) {  // storage errors: the server's thread must not see them
    err_ << "runt up: cannot tell who may run code in notebook " << notebook << ": " << e.what() << std::endl;
    return;
  }
  if (agents_.size() >= options_.max_kernels) {
    const std::string limit = std::to_string(options_.max_kernels);
    std::string message = "runt up already runs as many kernels as it may (--max-kernels " + limit +
                          "). This notebook gets one as soon as another stops";
    if (options_.idle.count() > 0) message += " (kernels nobody has open stop after " + minutes_text(options_.idle) + ")";
    return refuse_locked(notebook, {"kernel-limit", message + "."});
  }
  refused_.erase(notebook);
  start_locked(notebook);
}

void AgentPool::refuse_locked(const std::string& notebook, serve::RuntimeRefusal refusal) {
  auto& known = refused_[notebook];
  if (known.reason != refusal.reason)
    err_ << "runt up: no runtime for notebook " << notebook << ": " << refusal.message << (refusal.command.empty() ? "" : " ")
         << refusal.command << std::endl;
  known = std::move(refusal);
}

void AgentPool::start_locked(const std::string& notebook) {
  agent::AgentConfig config;
  config.sync_url = sync_url_;
  config.notebook_id = notebook;
  config.auth_token = options_.token;
  config.runtime_type = options_.runtime_type;
  config.kernel_display_name = options_.kernel_display_name;
  config.log = [this](const std::string& line) { err_ << "runt agent: " << line << std::endl; };
  auto slot = std::make_unique<Slot>();
  agent::SessionRuntimes runtimes{options_.make_runtime(), options_.make_ai_runtime ? options_.make_ai_runtime() : nullptr};
  slot->runner = std::make_unique<agent::RuntimeAgent>(config, std::move(runtimes),
                                                       agent::server_notebook(config.sync_url, config.notebook_id, config.auth_token, config.log));
  if (!open_.contains(notebook)) slot->unwatched_since = Clock::now();
  slot->thread = std::thread([this, notebook, slot = slot.get()] {
    try {
      slot->runner->run();
    } catch (const std::exception& e) {
      err_ << "runt up: the agent of notebook " << notebook << " stopped: " << e.what() << std::endl;
      ++failures_;
      if (notebook == essential_) ::kill(::getpid(), SIGTERM);  // wakes run_up's signal wait
    }
    slot->finished = true;
  });
  agents_.emplace(notebook, std::move(slot));
}

void AgentPool::supervise() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.recheck);
    if (stopping_) break;
    auto leaving = sweep_locked();
    if (leaving.empty()) {
      for (const auto& id : open_)  // new grants
        if (refused_.contains(id)) consider_locked(id);
      continue;
    }
    lock.unlock();  // stopping takes a round trip to the server, whose thread calls in here
    for (auto& slot : leaving)
      if (!slot->finished) slot->runner->stop();  // pushes its Terminated{shutdown}
    for (auto& slot : leaving) slot->thread.join();
    leaving.clear();
    lock.lock();
    for (const auto& id : open_) consider_locked(id);  // the places they freed, once their kernels are gone
  }
}

std::vector<std::unique_ptr<AgentPool::Slot>> AgentPool::sweep_locked() {
  std::vector<std::unique_ptr<Slot>> leaving;
  const auto now = Clock::now();
  for (auto it = agents_.begin(); it != agents_.end();) {
    const std::string& notebook = it->first;
    Slot& slot = *it->second;
    std::string why;
    if (slot.finished) {
      ended_.insert(notebook);  // not restarted: it failed, or another runtime displaced it
    } else if (options_.idle.count() > 0 && slot.unwatched_since && now - *slot.unwatched_since >= options_.idle) {
      why = "nobody has had it open for " + minutes_text(options_.idle) + " (it starts again when opened)";
    } else {
      try {
        const auto owner = accounts_.owner(notebook);
        if (owner && !accounts_.may_run_code(*owner)) why = "its owner " + *owner + " may no longer run code";
      } catch (const std::exception& e) {
        err_ << "runt up: cannot tell who may run code in notebook " << notebook << ": " << e.what() << std::endl;
      }
    }
    if (!slot.finished && why.empty()) {
      ++it;
      continue;
    }
    if (!why.empty()) err_ << "runt up: stopping the kernel of notebook " << notebook << ": " << why << std::endl;
    leaving.push_back(std::move(it->second));
    it = agents_.erase(it);
  }
  return leaving;
}

std::size_t AgentPool::running() {
  std::lock_guard lock(mutex_);
  return agents_.size();
}

void AgentPool::stop_all() {
  std::map<std::string, std::unique_ptr<Slot>> agents;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    agents.swap(agents_);
  }
  wake_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  for (auto& [id, slot] : agents)
    if (!slot->finished) slot->runner->stop();  // each pushes its Terminated{shutdown}
  for (auto& [id, slot] : agents) slot->thread.join();
}

}  // namespace runt::runner
