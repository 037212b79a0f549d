// The `runt` command: one binary, one subcommand per job (see README).

#include "replay.hpp"

#include <CLI/CLI.hpp>

#include <cstring>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{
      "runt: native runtime agents and a sync server for collaborative, event-sourced notebooks\n"
      "(the anode / LiveStore 0.3.1 schema and wire format)",
      "runt"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "runt 0.1.0");

  std::string replay_file;
  bool pretty = false;
  auto* replay = app.add_subcommand(
      "replay",
      "Materialize an exported event log (one LiveStore-encoded event per line) and print the "
      "notebook state as JSON");
  replay->add_option("FILE", replay_file, "Log file, or - for standard input")->required();
  replay->add_flag("--pretty", pretty, "Indent the JSON output");

  CLI11_PARSE(app, argc, argv);

  if (replay->parsed()) {
    runt::cli::ReplayOptions options{pretty ? 2 : 0};
    if (replay_file == "-") return runt::cli::replay(std::cin, std::cout, std::cerr, options);
    std::ifstream in(replay_file, std::ios::binary);
    if (!in) {
      std::cerr << "runt replay: cannot open " << replay_file << ": " << std::strerror(errno) << "\n";
      return 1;
    }
    return runt::cli::replay(in, std::cout, std::cerr, options);
  }
  return 0;
}
