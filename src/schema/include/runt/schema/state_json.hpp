#pragma once
// The materialized state as one JSON document: the output of `runt replay` and the expected
// side of the golden vectors under tests/vectors/ (which other implementations, such as the
// browser's TypeScript materializers, must reproduce).
//
//   {"metadata": {key: value},
//    "cells": [{<cells columns>, "outputs": [{<outputs columns>}]}],   // cells_in_order
//    "orphanOutputs": [...],     // outputs whose cell was deleted (anode does not cascade)
//    "executionQueue": [...], "runtimeSessions": [...], "presence": [...], "actors": [...],
//    "toolApprovals": [...], "files": [...], "pendingClears": [...], "debug": [...]}
//
// Every column is present, SQL NULL as null; rows are in the tables' insertion order unless
// noted; an output's `data` has its streamed deltas applied.

#include "runt/schema/json.hpp"
#include "runt/schema/state.hpp"

namespace runt::schema {

Json state_to_json(const State& state);

}  // namespace runt::schema
