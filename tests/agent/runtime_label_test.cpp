// The runtimeType and actor a kernel's session shows in anode's UI.

#include "runt/agent/runtime_label.hpp"
#include "runt/schema/codec.hpp"

#include <gtest/gtest.h>

namespace runt::agent {
namespace {

TEST(RuntimeLabel, PythonKernelsAreTheRuntimeTypeAnodeNamesPython) {
  EXPECT_EQ(anode_runtime_type("python3", "python"), "python");
  EXPECT_EQ(anode_runtime_type("my-env", "Python"), "python");  // by language, whatever the name
  EXPECT_EQ(anode_runtime_type("python3"), "python");            // no kernelspec language known
  EXPECT_EQ(anode_runtime_type("Python3.12"), "python");
}

TEST(RuntimeLabel, OtherKernelsKeepTheirName) {
  EXPECT_EQ(anode_runtime_type("ir", "R"), "ir");
  EXPECT_EQ(anode_runtime_type("python-ish", "julia"), "python-ish");  // the language decides
  EXPECT_EQ(anode_runtime_type("echo"), "echo");
}

TEST(RuntimeLabel, TheActorIsTheIdTheRuntimesEventsCarry) {
  EXPECT_EQ(runtime_actor_id("runt-1"), "runtime-runt-1");
  const auto profile = runtime_actor_profile("runt-1", "Python 3 (ipykernel)");
  EXPECT_EQ(schema::to_js_string(schema::encode_event(profile)),
            R"j({"name":"v1.ActorProfileSet","args":{"id":"runtime-runt-1","type":"runtime_agent","displayName":"Python 3 (ipykernel)"}})j");
}

}  // namespace
}  // namespace runt::agent
