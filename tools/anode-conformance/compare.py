#!/usr/bin/python3
"""Compare the real anode (LiveStore 0.3.1) materialized tables against a vector's "expected".

usage: /usr/bin/python3 compare.py VECTOR.json [--actual DUMP.json]
Without --actual it runs `node --import tsx materialize.mjs VECTOR.json` (in this script's dir).
Exit 0 identical, 1 differences, 3 materialize failed.
"""
import json, os, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))

def parse_json_col(v):
    # SQLite JSON columns are text; SQL NULL and the text 'null' both mean JSON null.
    if v is None:
        return None
    if not isinstance(v, str):
        return ("<non-text JSON column>", v)
    return json.loads(v)

def to_bool(v):
    if v is None:
        return None
    if v in (0, 1) and not isinstance(v, bool):
        return bool(v)
    return ("<non 0/1 boolean>", v)

CELL_BOOLS = ("sourceVisible", "outputVisible", "aiContextVisible")
RT_BOOLS = ("isActive", "canExecuteCode", "canExecuteSql", "canExecuteAi")

def build(dump):
    deltas = {}
    for i, d in enumerate(dump["output_deltas"]):
        deltas.setdefault(d["outputId"], []).append((d["sequenceNumber"], i, d["delta"]))

    def conv_output(o):
        o = dict(o)
        ds = deltas.get(o["id"])
        if ds:
            ds.sort(key=lambda t: (t[0], t[1]))
            o["data"] = (o["data"] if o["data"] is not None else "") + "".join(t[2] for t in ds)
        o["metadata"] = parse_json_col(o["metadata"])
        o["representations"] = parse_json_col(o["representations"])
        return o

    outputs = [(i, conv_output(o)) for i, o in enumerate(dump["outputs"])]
    cells = []
    for c in dump["cells"]:
        c = dict(c)
        for b in CELL_BOOLS:
            c[b] = to_bool(c[b])
        c["aiSettings"] = parse_json_col(c["aiSettings"])
        outs = [(o["position"], i, o) for i, o in outputs if o["cellId"] == c["id"]]
        outs.sort(key=lambda t: (t[0], t[1]))
        c["outputs"] = [t[2] for t in outs]
        cells.append(c)
    def ckey(c):
        fi = c["fractionalIndex"]
        return (fi is not None, (fi or "").encode("utf-8"), c["id"].encode("utf-8"))
    cells.sort(key=ckey)
    cell_ids = {c["id"] for c in dump["cells"]}
    orphans = [o for i, o in outputs if o["cellId"] not in cell_ids]

    rts = []
    for r in dump["runtimeSessions"]:
        r = dict(r)
        for b in RT_BOOLS:
            r[b] = to_bool(r[b])
        r["availableAiModels"] = parse_json_col(r["availableAiModels"])
        rts.append(r)

    return {
        "metadata": {r["key"]: r["value"] for r in dump["notebookMetadata"]},
        "cells": cells,
        "orphanOutputs": orphans,
        "executionQueue": dump["executionQueue"],
        "runtimeSessions": rts,
        "presence": dump["presence"],
        "actors": dump["actors"],
        "toolApprovals": dump["toolApprovals"],
        "files": dump["files"],
        "pendingClears": dump["pendingClears"],
        "debug": dump["debug"],
    }

def kind(v):
    if v is None: return "null"
    if isinstance(v, bool): return "bool"
    if isinstance(v, (int, float)): return "number"
    if isinstance(v, str): return "string"
    if isinstance(v, list): return "array"
    if isinstance(v, dict): return "object"
    return type(v).__name__

def label(item):
    if isinstance(item, dict):
        for k in ("id", "sessionId", "userId", "toolCallId", "fileName", "cellId", "key"):
            if isinstance(item.get(k), str):
                return "(%s=%s)" % (k, item[k])
    return ""

def show(v):
    return json.dumps(v, ensure_ascii=False)

def diff(a, e, path, out):
    ka, ke = kind(a), kind(e)
    if ka != ke:
        out.append((path, a, e)); return
    if ka == "object":
        for k in list(a.keys()) + [k for k in e.keys() if k not in a]:
            p = "%s.%s" % (path, k)
            if k not in e:
                out.append((p, a[k], "<absent>"))
            elif k not in a:
                out.append((p, "<absent>", e[k]))
            else:
                diff(a[k], e[k], p, out)
    elif ka == "array":
        if len(a) != len(e):
            out.append((path + ".length", len(a), len(e)))
        for i in range(max(len(a), len(e))):
            p = "%s[%d]%s" % (path, i, label(a[i] if i < len(a) else e[i]))
            if i >= len(e):
                out.append((p, a[i], "<absent>"))
            elif i >= len(a):
                out.append((p, "<absent>", e[i]))
            else:
                diff(a[i], e[i], p, out)
    elif a != e:
        out.append((path, a, e))

def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr); sys.exit(2)
    vec_path = args[0]
    vec = json.load(open(vec_path, encoding="utf-8"))
    if "--actual" in args:
        dump = json.load(open(args[args.index("--actual") + 1], encoding="utf-8"))
    else:
        p = subprocess.run(["node", "--import", "tsx", os.path.join(HERE, "materialize.mjs"), os.path.abspath(vec_path)],
                           cwd=HERE, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr)
            print("materialize.mjs failed with exit code %d" % p.returncode)
            sys.exit(3)
        dump = json.loads(p.stdout)
    actual = build(dump)
    out = []
    diff(actual, vec["expected"], "expected", out)
    for path, a, e in out:
        print("%s: anode=%s expected=%s" % (path, show(a), show(e)))
    if out:
        print("%d difference(s)" % len(out)); sys.exit(1)
    print("identical"); sys.exit(0)

main()
