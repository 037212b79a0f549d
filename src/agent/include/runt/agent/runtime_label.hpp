#pragma once
// How a kernel's runtime session is named in anode's UI. anode's header label
// (src/components/notebooks/notebook/RuntimeStateButton.tsx, runtimeTypeToTitle) knows the
// runtimeTypes "html" ("HTML"), "python" and "python3-pyodide" (both "Python") and shows
// "Unknown" for any other, the schema's own default "python3" included. Its editor picks Python
// for any runtimeType containing "python" (editorUtils.ts), and its presence list names an actor
// by the `actors` table's displayName (useUserRegistry.ts).

#include "runt/schema/events.hpp"

#include <string>
#include <string_view>

namespace runt::agent {

// The runtimeType for a kernel: "python" for a Python kernel (by its kernelspec language, or by
// its name when the language is unknown), else the kernel's name unchanged ("Unknown" in anode's
// header, but shown as is in its runtime panel).
std::string anode_runtime_type(std::string_view kernel_name, std::string_view language = {});

// The actor id a runtime's events carry (v1.CellOutputsCleared.clearedBy, hence presence).
// anode shows ids containing "runtime" with a bot icon.
std::string runtime_actor_id(const std::string& runtime_id);

// Names the runtime's presence after its kernel ("Python 3 (ipykernel)"), so the kernel stays
// visible in anode when the runtimeType is only "python".
schema::events::ActorProfileSet runtime_actor_profile(const std::string& runtime_id, const std::string& kernel_display_name);

}  // namespace runt::agent
