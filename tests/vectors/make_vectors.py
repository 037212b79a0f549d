#!/usr/bin/env python3
"""Writes the golden vectors: realistic anode event logs and the state they materialize to.

Usage: tests/vectors/make_vectors.py build/runt

The event logs are written here by hand (ids, times and payloads shaped like real anode
traffic). The expected state comes from `runt replay` and was then reviewed by hand against
anode-schema.md and cross-checked with anode's TypeScript materializers on LiveStore 0.3.1.
Re-running this only rewrites a vector's "expected" when the log changes; review the diff.
"""
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

USER = "user_2f9a7c41"
USER2 = "user_9c1e0b77"
RUNTIME_ID = "python3-runt-5b0f7c1a"
OLD_SESSION = "python3-runt-5b0f7c1a-1731599000000-aaaa1111"
SESSION = "python3-runt-5b0f7c1a-1731600003000-k2j4h6g8"
RUNTIME_ACTOR = "runtime-" + RUNTIME_ID
CODE = "cell-1731600000000-4fzyo82mx9k"
CODE2 = "cell-1731600050000-8dk2l0qpzz1"
MD = "cell-1731600060000-m4rkd0wn000"
AI = "cell-1731600100000-p0o9i8u7y6t"
GONE = "cell-1731600070000-d3l3t3d0000"
Q1 = "exec-1731600012345-q8w1z3"
Q2 = "exec-1731600020000-r9x2a4"
Q3 = "exec-1731600030000-s0y3b5"
Q4 = "exec-1731600040000-t1z4c6"


def ev(name, args=None):
    e = {"name": name}
    if args is not None:
        e["args"] = args
    return e


def inline(data=None, metadata=None, *, no_data=False):
    c = {"type": "inline"}
    if not no_data:
        c["data"] = data
    if metadata is not None:
        c["metadata"] = metadata
    return c


def realistic_session():
    models = [{"name": "llama3.1", "displayName": "Llama 3.1", "provider": "ollama",
               "capabilities": ["completion", "tools"], "metadata": {"parameterSize": "8B"}}]
    caps = {"canExecuteCode": True, "canExecuteSql": False, "canExecuteAi": True,
            "availableAiModels": models}
    return [
        ev("v1.ActorProfileSet", {"id": USER, "type": "human", "displayName": "Ada Lovelace"}),
        ev("v1.NotebookTitleChanged", {"title": "Sales analysis"}),
        # an older runtime is displaced by the new one
        ev("v1.RuntimeSessionStarted", {"sessionId": OLD_SESSION, "runtimeId": RUNTIME_ID,
                                        "runtimeType": "python3", "capabilities": {
                                            "canExecuteCode": True, "canExecuteSql": False,
                                            "canExecuteAi": False}}),
        ev("v1.RuntimeSessionStatusChanged", {"sessionId": OLD_SESSION, "status": "ready"}),
        ev("v1.RuntimeSessionTerminated", {"sessionId": OLD_SESSION, "reason": "displaced"}),
        ev("v1.RuntimeSessionStarted", {"sessionId": SESSION, "runtimeId": RUNTIME_ID,
                                        "runtimeType": "python3", "capabilities": caps}),
        ev("v1.RuntimeSessionStatusChanged", {"sessionId": SESSION, "status": "ready"}),
        # cells: create, edit, move, delete
        ev("v2.CellCreated", {"id": CODE, "fractionalIndex": "m", "cellType": "code", "createdBy": USER}),
        ev("v2.CellCreated", {"id": MD, "fractionalIndex": "n", "cellType": "markdown", "createdBy": USER}),
        ev("v2.CellCreated", {"id": GONE, "fractionalIndex": "o", "cellType": "code", "createdBy": USER}),
        ev("v2.CellCreated", {"id": CODE2, "fractionalIndex": "mh", "cellType": "code", "createdBy": USER2}),
        ev("v1.CellSourceChanged", {"id": MD, "source": "# Sales\nQuarterly numbers, *draft*.", "modifiedBy": USER}),
        ev("v1.CellSourceChanged", {"id": CODE, "source": "import pandas as pd\nprint('loading')", "modifiedBy": USER}),
        ev("v1.CellSourceChanged", {"id": CODE, "source": "import pandas as pd\nprint('loading')\nfrom IPython.display import display, update_display\nh = display('0%', display_id='progress')\nupdate_display('100%', display_id='progress')\ndf = pd.DataFrame({'q': [1, 2]})\ndf", "modifiedBy": USER}),
        ev("v2.CellMoved", {"id": MD, "fractionalIndex": "l", "actorId": USER}),
        ev("v1.CellDeleted", {"id": GONE, "actorId": USER2}),
        ev("v1.PresenceSet", {"userId": USER2, "cellId": CODE2}),
        # run the code cell: request -> assign -> start -> clear -> outputs -> completion
        ev("v1.CellOutputsCleared", {"cellId": CODE, "wait": False, "clearedBy": USER}),
        ev("v1.ExecutionRequested", {"queueId": Q1, "cellId": CODE, "executionCount": 1, "requestedBy": USER}),
        ev("v1.ExecutionAssigned", {"queueId": Q1, "runtimeSessionId": SESSION}),
        ev("v1.ExecutionStarted", {"queueId": Q1, "cellId": CODE, "runtimeSessionId": SESSION, "startedAt": "2024-11-14T16:00:12.401Z"}),
        ev("v1.CellOutputsCleared", {"cellId": CODE, "wait": False, "clearedBy": RUNTIME_ACTOR}),
        ev("v1.TerminalOutputAdded", {"id": "0b7e3d4a-1f2c-4e5d-8a9b-0c1d2e3f4a5b", "cellId": CODE, "position": 0, "content": inline("loading"), "streamName": "stdout"}),
        ev("v2.TerminalOutputAppended", {"id": "a1a1a1a1-0000-4000-8000-000000000001", "outputId": "0b7e3d4a-1f2c-4e5d-8a9b-0c1d2e3f4a5b", "delta": " done\n", "sequenceNumber": 1}),
        ev("v2.TerminalOutputAppended", {"id": "a1a1a1a1-0000-4000-8000-000000000000", "outputId": "0b7e3d4a-1f2c-4e5d-8a9b-0c1d2e3f4a5b", "delta": "...", "sequenceNumber": 0}),
        ev("v1.TerminalOutputAdded", {"id": "2c3d4e5f-0000-4000-8000-00000000e001", "cellId": CODE, "position": 1, "content": inline("DeprecationWarning: is_categorical_dtype\n"), "streamName": "stderr"}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f", "cellId": CODE, "position": 2, "representations": {"text/plain": inline("'0%'")}, "displayId": "progress"}),
        ev("v1.MultimediaDisplayOutputUpdated", {"displayId": "progress", "representations": {"text/plain": inline("'100%'")}}),
        ev("v1.MultimediaResultOutputAdded", {"id": "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d", "cellId": CODE, "position": 3, "representations": {
            "text/html": inline("<table><tr><th>q</th></tr><tr><td>1</td></tr><tr><td>2</td></tr></table>"),
            "text/plain": inline("   q\n0  1\n1  2")}, "executionCount": 1}),
        ev("v1.ExecutionCompleted", {"queueId": Q1, "cellId": CODE, "status": "success", "completedAt": "2024-11-14T16:00:13.655Z", "executionDurationMs": 1254}),
        ev("v1.RuntimeSessionRenewal", {"sessionId": SESSION, "renewedAt": "2024-11-14T16:00:18.003Z", "validForMs": 30000}),
        # second cell: clear_output(wait=True) then an error
        ev("v1.CellSourceChanged", {"id": CODE2, "source": "from IPython.display import clear_output\nprint('step 1')\nclear_output(wait=True)\nprint('step 2')\n1/0", "modifiedBy": USER2}),
        ev("v1.ExecutionRequested", {"queueId": Q2, "cellId": CODE2, "executionCount": 1, "requestedBy": USER2}),
        ev("v1.ExecutionAssigned", {"queueId": Q2, "runtimeSessionId": SESSION}),
        ev("v1.ExecutionStarted", {"queueId": Q2, "cellId": CODE2, "runtimeSessionId": SESSION, "startedAt": "2024-11-14T16:00:20.000Z"}),
        ev("v1.CellOutputsCleared", {"cellId": CODE2, "wait": False, "clearedBy": RUNTIME_ACTOR}),
        ev("v1.TerminalOutputAdded", {"id": "3d4e5f60-0000-4000-8000-000000000001", "cellId": CODE2, "position": 0, "content": inline("step 1\n"), "streamName": "stdout"}),
        ev("v1.CellOutputsCleared", {"cellId": CODE2, "wait": True, "clearedBy": RUNTIME_ACTOR}),
        ev("v1.TerminalOutputAdded", {"id": "3d4e5f60-0000-4000-8000-000000000002", "cellId": CODE2, "position": 1, "content": inline("step 2\n"), "streamName": "stdout"}),
        ev("v1.ErrorOutputAdded", {"id": "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "cellId": CODE2, "position": 2, "content": inline(
            {"ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": [
                "Traceback (most recent call last):", "  Cell In[1], line 5", "ZeroDivisionError: division by zero"]})}),
        ev("v1.ExecutionCompleted", {"queueId": Q2, "cellId": CODE2, "status": "error", "error": "division by zero", "completedAt": "2024-11-14T16:00:20.250Z", "executionDurationMs": 250}),
        # a long run, cancelled by the user
        ev("v1.CellSourceChanged", {"id": CODE2, "source": "import time\ntime.sleep(600)", "modifiedBy": USER2}),
        ev("v1.ExecutionRequested", {"queueId": Q3, "cellId": CODE2, "executionCount": 2, "requestedBy": USER2}),
        ev("v1.ExecutionAssigned", {"queueId": Q3, "runtimeSessionId": SESSION}),
        ev("v1.ExecutionStarted", {"queueId": Q3, "cellId": CODE2, "runtimeSessionId": SESSION, "startedAt": "2024-11-14T16:00:30.000Z"}),
        ev("v1.ExecutionCancelled", {"queueId": Q3, "cellId": CODE2, "cancelledBy": USER2, "reason": "User interrupted execution"}),
        # an AI cell: settings, streamed markdown answer with role metadata, tool approval
        ev("v2.CellCreated", {"id": AI, "fractionalIndex": "p", "cellType": "ai", "createdBy": USER}),
        ev("v1.CellSourceChanged", {"id": AI, "source": "Load data/sales.csv and summarise it", "modifiedBy": USER}),
        ev("v1.AiSettingsChanged", {"cellId": AI, "provider": "ollama", "model": "llama3.1", "settings": {"temperature": 0.7, "maxTokens": 1000}}),
        ev("v1.NotebookMetadataSet", {"key": "lastUsedAiProvider", "value": "ollama"}),
        ev("v1.NotebookMetadataSet", {"key": "lastUsedAiModel", "value": "llama3.1"}),
        ev("v1.CellOutputsCleared", {"cellId": AI, "wait": False, "clearedBy": USER}),
        ev("v1.ExecutionRequested", {"queueId": Q4, "cellId": AI, "executionCount": 1, "requestedBy": USER}),
        ev("v1.ExecutionAssigned", {"queueId": Q4, "runtimeSessionId": SESSION}),
        ev("v1.ExecutionStarted", {"queueId": Q4, "cellId": AI, "runtimeSessionId": SESSION, "startedAt": "2024-11-14T16:01:00.000Z"}),
        ev("v1.CellOutputsCleared", {"cellId": AI, "wait": False, "clearedBy": RUNTIME_ACTOR}),
        ev("v1.MarkdownOutputAdded", {"id": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", "cellId": AI, "position": 0, "content": inline("Sure", {"anode": {"role": "assistant", "ai_provider": "ollama", "ai_model": "llama3.1", "iteration": 1}})}),
        ev("v2.MarkdownOutputAppended", {"id": "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a", "outputId": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", "delta": "! I will load", "sequenceNumber": 0}),
        ev("v2.MarkdownOutputAppended", {"id": "d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7b", "outputId": "c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f", "delta": " the file first.", "sequenceNumber": 1}),
        ev("v1.ToolApprovalRequested", {"toolCallId": "call_8XyZq1", "cellId": AI, "toolName": "load_dataset", "arguments": {"path": "data/sales.csv", "limit": 100}, "requestedAt": "2024-11-14T16:01:02.117Z"}),
        ev("v1.ToolApprovalResponded", {"toolCallId": "call_8XyZq1", "status": "approved_once", "approvedBy": USER, "respondedAt": "2024-11-14T16:01:05.930Z"}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "e5f6a7b8-0000-4000-8000-00000000a001", "cellId": AI, "position": 1, "representations": {
            "application/vnd.anode.aitool+json": inline({"tool_call_id": "call_8XyZq1", "tool_name": "load_dataset", "arguments": {"path": "data/sales.csv", "limit": 100}, "status": "success", "timestamp": "2024-11-14T16:01:06.000Z", "result": "100 rows"}),
            "text/markdown": inline("🔧 **Tool executed**: `load_dataset`"),
            "text/plain": inline("Tool executed: load_dataset - 100 rows")}}),
        ev("v1.MarkdownOutputAdded", {"id": "f6a7b8c9-0000-4000-8000-00000000a002", "cellId": AI, "position": 2, "content": inline("The data has **100 rows**.", {"anode": {"role": "assistant", "ai_provider": "ollama", "ai_model": "llama3.1", "iteration": 2}})}),
        ev("v1.ExecutionCompleted", {"queueId": Q4, "cellId": AI, "status": "success", "completedAt": "2024-11-14T16:01:09.500Z", "executionDurationMs": 9500}),
        ev("v1.RuntimeSessionRenewal", {"sessionId": SESSION, "renewedAt": "2024-11-14T16:01:18.003Z", "validForMs": 30000}),
        ev("v1.RuntimeSessionTerminated", {"sessionId": SESSION, "reason": "shutdown"}),
    ]


def every_event():
    """The events the realistic session does not use, each at least once."""
    C1, C2 = "cell-legacy-0001", "cell-legacy-0002"
    S = "python-legacy-session-1"
    return [
        ev("v1.Debug", {"id": "debug-1"}),
        ev("v1.Debug", {"id": "debug-1"}),
        ev("v1.NotebookInitialized", {"id": "kX3m9QpL2vZa", "title": "Legacy notebook", "ownerId": USER}),
        ev("v1.NotebookTitleChanged", {"title": "Renamed"}),
        ev("v1.NotebookMetadataSet", {"key": "max_ai_iterations", "value": "5"}),
        ev("v1.FileUploaded", {"artifactId": "kX3m9QpL2vZa/1b2c3d4e-0000-4000-8000-000000000001", "mimeType": "text/csv", "fileName": "data/sales.csv", "createdAt": "2024-11-14T15:59:00.000Z", "createdBy": USER}),
        ev("v1.FileUploaded", {"artifactId": "kX3m9QpL2vZa/1b2c3d4e-0000-4000-8000-000000000002", "mimeType": "", "fileName": "notes.bin", "createdAt": "2024-11-14T15:59:01.000Z", "createdBy": USER}),
        ev("v1.FileUploaded", {"artifactId": "kX3m9QpL2vZa/1b2c3d4e-0000-4000-8000-000000000003", "mimeType": "image/png", "fileName": "old.png", "createdAt": "2024-11-14T15:59:02.000Z", "createdBy": USER}),
        ev("v2.FileDeleted", {"fileName": "notes.bin", "deletedAt": "2024-11-14T16:10:00.000Z"}),
        ev("v1.FileDeleted", {"fileName": "old.png"}),
        ev("v1.CellCreated", {"id": C1, "cellType": "code", "position": 0, "createdBy": USER}),
        ev("v1.CellCreated", {"id": C2, "cellType": "sql", "position": 37.9, "createdBy": USER, "actorId": USER2}),
        ev("v1.CellMoved", {"id": C1, "newPosition": 40, "actorId": USER}),
        ev("v1.CellTypeChanged", {"id": C2, "cellType": "markdown", "actorId": USER2}),
        ev("v1.CellTypeChanged", {"id": C2, "cellType": "sql"}),
        ev("v1.CellSourceVisibilityToggled", {"id": C1, "sourceVisible": False, "actorId": USER}),
        ev("v1.CellOutputVisibilityToggled", {"id": C1, "outputVisible": False}),
        ev("v1.CellAiContextVisibilityToggled", {"id": C2, "aiContextVisible": False, "actorId": USER2}),
        ev("v1.SqlConnectionChanged", {"cellId": C2, "connectionId": "warehouse", "changedBy": USER2}),
        ev("v1.SqlResultVariableChanged", {"cellId": C2, "resultVariable": "df_sales", "changedBy": USER2}),
        ev("v1.SqlConnectionChanged", {"cellId": C2, "changedBy": USER2}),
        ev("v1.AiSettingsChanged", {"cellId": C2, "provider": "openai", "model": "gpt-4o-mini", "settings": {"systemPrompt": "Be terse."}}),
        ev("v1.RuntimeSessionStarted", {"sessionId": S, "runtimeId": "python-legacy", "runtimeType": "python3-pyodide", "capabilities": {"canExecuteCode": True, "canExecuteSql": True, "canExecuteAi": False}}),
        ev("v1.RuntimeSessionStatusChanged", {"sessionId": S, "status": "busy"}),
        ev("v1.RuntimeSessionStatusChanged", {"sessionId": S, "status": "restarting"}),
        ev("v1.MultipleExecutionRequested", {"requestedBy": USER, "cellsInfo": [
            {"id": C1, "executionCount": 1, "queueId": "exec-all-1"},
            {"id": C2, "executionCount": 4, "queueId": "exec-all-2"}]}),
        ev("v1.ExecutionAssigned", {"queueId": "exec-all-1", "runtimeSessionId": S}),
        ev("v1.ExecutionStarted", {"queueId": "exec-all-1", "cellId": C1, "runtimeSessionId": S, "startedAt": "2024-11-14T16:02:00.000Z"}),
        ev("v1.AllExecutionsCancelled"),
        ev("v1.TerminalOutputAdded", {"id": "out-gone", "cellId": C2, "position": 0, "content": inline("removed by clear all\n"), "streamName": "stdout"}),
        ev("v1.CellOutputsCleared", {"cellId": C1, "wait": True, "clearedBy": ""}),
        ev("v1.AllOutputsCleared", {"clearedBy": USER}),
        ev("v1.TerminalOutputAdded", {"id": "out-term-1", "cellId": C1, "position": 0, "content": inline("partial"), "streamName": "stdout"}),
        ev("v1.TerminalOutputAppended", {"outputId": "out-term-1", "content": inline(" line\n")}),
        ev("v1.MarkdownOutputAdded", {"id": "out-md-1", "cellId": C2, "position": 0, "content": {"type": "artifact", "artifactId": "kX3m9QpL2vZa/md-1", "metadata": {"size": 12}}}),
        ev("v1.MarkdownOutputAppended", {"outputId": "out-md-1", "content": inline("tail")}),
        ev("v1.MarkdownOutputAppended", {"outputId": "missing-output", "content": inline("ignored")}),
        ev("v1.ActorProfileSet", {"id": USER2, "type": "human", "displayName": "Grace Hopper", "avatar": "https://example.org/grace.png"}),
        ev("v1.ActorProfileSet", {"id": RUNTIME_ACTOR, "type": "runtime_agent", "displayName": "Python runtime"}),
        ev("v1.ToolApprovalRequested", {"toolCallId": "call_deny", "cellId": C2, "toolName": "drop_table", "arguments": {}, "requestedAt": "2024-11-14T16:03:00.000Z"}),
        ev("v1.ToolApprovalResponded", {"toolCallId": "call_deny", "status": "denied", "approvedBy": USER, "respondedAt": "2024-11-14T16:03:01.500Z"}),
        ev("v1.ToolApprovalRequested", {"toolCallId": "call_always", "cellId": C2, "toolName": "read_file", "arguments": {"path": "a.txt"}, "requestedAt": "2024-11-14T16:03:02.000Z"}),
        ev("v1.ToolApprovalResponded", {"toolCallId": "call_always", "status": "approved_always", "approvedBy": USER2, "respondedAt": "2024-11-14T16:03:03.000Z"}),
        ev("v1.ToolApprovalResponded", {"toolCallId": "call_never_requested", "status": "approved_once", "approvedBy": USER, "respondedAt": "2024-11-14T16:03:04.000Z"}),
    ]


def quirks():
    """anode behaviours that are easy to get wrong; each is reproduced on purpose."""
    A, B = "cell-quirk-a", "cell-quirk-b"
    S = "python3-quirk-session"
    return [
        ev("v2.CellCreated", {"id": A, "fractionalIndex": "m", "cellType": "code", "createdBy": USER}),
        ev("v2.CellCreated", {"id": B, "fractionalIndex": "m", "cellType": "code", "createdBy": USER}),
        # duplicate create keeps the first cell but moves presence
        ev("v2.CellCreated", {"id": A, "fractionalIndex": "z", "cellType": "markdown", "createdBy": USER2}),
        # presence is recorded even for a cell that does not exist
        ev("v1.CellSourceChanged", {"id": "cell-missing", "source": "x", "modifiedBy": "runtime-agent-7"}),
        ev("v1.PresenceSet", {"userId": "tui-client-1", "cellId": ""}),
        # multimedia flattening: objects give [object Object], falsy values give "", arrays join
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-json", "cellId": A, "position": 0, "representations": {"application/json": inline({"a": 1})}}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-zero", "cellId": A, "position": 1, "representations": {"text/plain": inline(0)}}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-array", "cellId": A, "position": 2.5, "representations": {"text/plain": inline([1, None, "x", [2, 3]])}}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-nomime", "cellId": A, "position": 3, "representations": {"application/x-custom": inline("hidden")}}),
        ev("v1.MultimediaResultOutputAdded", {"id": "q-plotly", "cellId": A, "position": 4, "representations": {"application/vnd.plotly.v1+json": inline({"data": []})}, "executionCount": 2}),
        ev("v1.MultimediaResultOutputAdded", {"id": "q-svg", "cellId": A, "position": 5, "representations": {"application/vnd.plotly.v1+json": inline({"data": []}), "image/svg+xml": inline("<svg/>"), "text/plain": inline("fig")}, "executionCount": 2}),
        # terminal text: absent data is the text "undefined", null is "null", numbers print
        ev("v1.TerminalOutputAdded", {"id": "q-undef", "cellId": A, "position": 6, "content": inline(no_data=True), "streamName": "stdout"}),
        ev("v1.TerminalOutputAdded", {"id": "q-null", "cellId": A, "position": 7, "content": inline(None), "streamName": "stderr"}),
        ev("v1.TerminalOutputAdded", {"id": "q-num", "cellId": A, "position": 8, "content": inline(1.5e21, {"k": "v"}), "streamName": "stdout"}),
        ev("v1.ErrorOutputAdded", {"id": "q-err-str", "cellId": A, "position": 9, "content": inline("plain string")}),
        ev("v1.ErrorOutputAdded", {"id": "q-err-none", "cellId": A, "position": 10, "content": inline(no_data=True)}),
        ev("v1.ErrorOutputAdded", {"id": "q-err-art", "cellId": A, "position": 11, "content": {"type": "artifact", "artifactId": "nb/err-1"}}),
        # display ids are notebook-wide: an update reaches cell B's row from cell A's display
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-disp-b", "cellId": B, "position": 0, "representations": {"text/plain": inline("v1")}, "displayId": "shared"}),
        ev("v1.MultimediaDisplayOutputAdded", {"id": "q-disp-a", "cellId": A, "position": 12, "representations": {"text/html": inline("<b>v2</b>"), "text/plain": inline("v2")}, "displayId": "shared"}),
        # an update with no known MIME type changes nothing
        ev("v1.MultimediaDisplayOutputUpdated", {"displayId": "shared", "representations": {"application/x-unknown": inline("v3")}}),
        # an update for an id nobody displayed changes nothing
        ev("v1.MultimediaDisplayOutputUpdated", {"displayId": "never-shown", "representations": {"text/plain": inline("v4")}}),
        # a reused output id replaces the row (new position, new type)
        ev("v1.TerminalOutputAdded", {"id": "q-zero", "cellId": B, "position": 1, "content": inline("replaced\n"), "streamName": "stdout"}),
        # a pending clear that is never consumed lingers; clear(wait=false) leaves it in place
        ev("v1.CellOutputsCleared", {"cellId": B, "wait": True, "clearedBy": "runtime-x"}),
        ev("v1.MultimediaDisplayOutputUpdated", {"displayId": "shared", "representations": {"text/plain": inline("v5")}}),
        ev("v1.CellOutputsCleared", {"cellId": B, "wait": False, "clearedBy": ""}),
        # deltas for an output that was cleared stay orphaned and are not shown
        ev("v2.TerminalOutputAppended", {"id": "q-delta-1", "outputId": "q-disp-b", "delta": "orphan", "sequenceNumber": 0}),
        # queue without guards: duplicate queueId re-queues the cell; cancel then complete = failed
        ev("v1.ExecutionRequested", {"queueId": "q-exec", "cellId": A, "executionCount": 1, "requestedBy": USER}),
        ev("v1.ExecutionRequested", {"queueId": "q-exec", "cellId": A, "executionCount": 7, "requestedBy": USER2, "actorId": "ai-assistant-s1"}),
        ev("v1.ExecutionCancelled", {"queueId": "q-exec", "cellId": A, "cancelledBy": USER, "actorId": USER2, "reason": "stop"}),
        ev("v1.ExecutionCompleted", {"queueId": "q-exec", "cellId": A, "status": "cancelled", "completedAt": "2024-11-14T16:05:00.000Z", "executionDurationMs": 0}),
        # session restart with the same id: active again, renewal columns reset
        ev("v1.RuntimeSessionStarted", {"sessionId": S, "runtimeId": "rt", "runtimeType": "python3", "capabilities": {"canExecuteCode": True, "canExecuteSql": False, "canExecuteAi": False, "availableAiModels": False}}),
        ev("v1.RuntimeSessionRenewal", {"sessionId": S, "renewedAt": "2024-11-14T16:06:00.000Z", "validForMs": 1500.7}),
        ev("v1.RuntimeSessionTerminated", {"sessionId": S, "reason": "timeout"}),
        ev("v1.RuntimeSessionStatusChanged", {"sessionId": S, "status": "ready"}),
        ev("v1.RuntimeSessionRenewal", {"sessionId": "unknown-session", "renewedAt": "2024-11-14T16:06:00.000Z", "validForMs": 30000}),
        ev("v1.RuntimeSessionStarted", {"sessionId": S, "runtimeId": "rt", "runtimeType": "python3", "capabilities": {"canExecuteCode": True, "canExecuteSql": False, "canExecuteAi": False}}),
        # a repeated approval request resets an answered approval
        ev("v1.ToolApprovalRequested", {"toolCallId": "q-call", "cellId": A, "toolName": "t", "arguments": {}, "requestedAt": "2024-11-14T16:07:00.000Z"}),
        ev("v1.ToolApprovalResponded", {"toolCallId": "q-call", "status": "approved_always", "approvedBy": USER, "respondedAt": "2024-11-14T16:07:01.000Z"}),
        ev("v1.ToolApprovalRequested", {"toolCallId": "q-call", "cellId": A, "toolName": "t", "arguments": {"again": True}, "requestedAt": "2024-11-14T16:07:02.000Z"}),
        # re-uploading a soft-deleted file name brings it back
        ev("v1.FileUploaded", {"artifactId": "nb/f1", "mimeType": "text/plain", "fileName": "a.txt", "createdAt": "2024-11-14T16:08:00.000Z", "createdBy": USER}),
        ev("v2.FileDeleted", {"fileName": "a.txt", "deletedAt": "2024-11-14T16:08:01.000Z"}),
        ev("v1.FileUploaded", {"artifactId": "nb/f2", "mimeType": "text/plain", "fileName": "a.txt", "createdAt": "2024-11-14T16:08:02.000Z", "createdBy": USER}),
        # an event name this schema does not know is carried and skipped
        ev("v9.SomethingFromTheFuture", {"id": A, "payload": [1, 2, 3]}),
        # cell deletion does not cascade: A's outputs become orphans
        ev("v1.CellDeleted", {"id": A}),
    ]


VECTORS = {
    "realistic-session": ("A real session: cells created, edited, moved and deleted; a displaced runtime; "
                          "runs with stdout and deltas, display updates, a rich result, clear_output(wait=True), "
                          "an error, a cancellation; an AI cell with streamed markdown and a tool approval.",
                          realistic_session),
    "every-event": ("Every event the realistic session does not use, including deprecated v1 forms.", every_event),
    "quirks": ("anode materializer behaviours reproduced on purpose (see anode-schema.md §3.3).", quirks),
}


def main():
    runt = sys.argv[1] if len(sys.argv) > 1 else "build/runt"
    for name, (description, build) in VECTORS.items():
        events = []
        for i, e in enumerate(build()):
            logged = dict(e)
            logged.update(seqNum=i + 1, parentSeqNum=i, clientId="client-" + str(i % 3), sessionId="session-" + str(i % 2))
            events.append(logged)
        log = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in events)
        result = subprocess.run([runt, "replay", "-"], input=log.encode(), capture_output=True, check=True)
        expected = json.loads(result.stdout)
        doc = {"description": description, "events": events, "expected": expected}
        (HERE / f"{name}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
        print(f"{name}: {len(events)} events", result.stderr.decode().strip())


if __name__ == "__main__":
    main()
