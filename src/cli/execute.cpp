#include "execute.hpp"

#include "environment.hpp"

#include "runt/agent/runtime_label.hpp"
#include "runt/ipynb/ipynb.hpp"
#include "runt/runner/run_notebook.hpp"

#include <fstream>

namespace runt::cli {

namespace fs = std::filesystem;

int execute_notebook(const ExecuteOptions& options, std::ostream& err) {
  fs::path out_path = options.inplace ? options.input
                                      : options.output.value_or(options.input.parent_path() /
                                                                (options.input.stem().string() + ".nbconvert.ipynb"));
  std::error_code ec;
  if (!options.inplace && fs::exists(out_path, ec) && fs::equivalent(out_path, options.input, ec)) {
    err << "runt execute: refusing to overwrite the input " << options.input.string() << " (use --inplace)\n";
    return 2;
  }
  ipynb::Json doc;
  try {
    std::ifstream in(options.input, std::ios::binary);
    if (!in) {
      err << "runt execute: cannot open " << options.input.string() << "\n";
      return 2;
    }
    doc = ipynb::read_notebook(in);
  } catch (const ipynb::IpynbError& e) {
    err << "runt execute: " << options.input.string() << ": " << e.what() << "\n";
    return 2;
  }

  std::string kernel_name = options.kernel.value_or("");
  if (kernel_name.empty()) {
    const auto& meta = doc["metadata"];
    kernel_name = meta.contains("kernelspec") && meta["kernelspec"].is_object() ? meta["kernelspec"].value("name", "python3") : "python3";
  }
  const auto spec = kernel::find_kernelspec(kernel_name, kernel::kernel_dirs(env));
  if (!spec) {
    err << "runt execute: no kernelspec named " << kernel_name << " (runt kernels lists them)\n";
    return 2;
  }

  runner::RunOptions run;
  run.make_runtime = runner::pipelined_kernel(*spec, kernel_runtime_dir());
  run.runtime_type = agent::anode_runtime_type(spec->name, spec->language);
  run.kernel_display_name = spec->display_name;
  run.timeout_seconds = options.timeout_seconds;
  run.allow_errors = options.allow_errors;
  run.progress = options.progress;
  const auto report = runner::run_notebook(doc, run, err);
  if (!report.agent_error.empty()) {
    err << "runt execute: " << report.agent_error << "\n";
    return 2;
  }
  {
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    out << doc.dump(1, ' ', false, ipynb::Json::error_handler_t::replace) << "\n";
    if (!out) {
      err << "runt execute: cannot write " << out_path.string() << "\n";
      return 2;
    }
  }
  if (report.status == runner::RunStatus::completed) return 0;
  err << "runt execute: " << report.failure << "; wrote what ran to " << out_path.string() << "\n";
  return report.status == runner::RunStatus::cell_failed ? 1 : 2;
}

}  // namespace runt::cli
