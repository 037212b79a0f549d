#pragma once
// What a runtime implements to run cells for a RuntimeAgent: one Execution at a time, its
// outputs written through an ExecutionContext.

#include "runt/agent/execution.hpp"
#include "runt/agent/execution_context.hpp"
#include "runt/agent/notebook_access.hpp"
#include "runt/schema/events.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace runt::agent {

struct Outcome {
  bool success = true;
  std::optional<std::string> error;  // for ExecutionCompleted.error
};

class Runtime {
 public:
  virtual ~Runtime() = default;
  virtual schema::RuntimeCapabilities capabilities() const = 0;
  // Called once before start(), for runtimes that read or change the notebook while they run
  // (it outlives the runtime's executions).
  virtual void attach(NotebookAccess& notebook) { (void)notebook; }
  // Called once before the session starts (e.g. launch a kernel); throws on failure.
  virtual void start() {}
  // Runs one cell to completion (blocking, on the agent's worker thread).
  virtual Outcome execute(ExecutionContext& context) = 0;
  // Called from the agent's event thread while execute() runs: stop it soon.
  virtual void interrupt() {}
  // The next execute()'s execution and those queued behind it, in order, for runtimes that can
  // send work ahead (a Jupyter kernel queues requests itself). Called on the worker thread.
  virtual void prefetch(const std::vector<Execution>& upcoming) { (void)upcoming; }
  virtual void stop() {}
};

// Runtimes by name: "echo" (the example) and "kernel:<kernelspec>" style factories the CLI adds.
class RuntimeRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Runtime>()>;
  void add(std::string name, Factory factory);
  std::unique_ptr<Runtime> make(const std::string& name) const;  // nullptr when unknown
  std::vector<std::string> names() const;

 private:
  std::vector<std::pair<std::string, Factory>> factories_;
};

// The example runtime: a cell's source comes back as its text/plain result.
std::unique_ptr<Runtime> make_echo_runtime();

}  // namespace runt::agent
