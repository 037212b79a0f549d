#!/usr/bin/python3
"""bench/run_all.py: a 500-cell trivial notebook through `runt execute` and through nbclient
(Debian's /usr/bin/python3), same file, same kernelspec, same run. Wall time from start to the
executed notebook on disk, kernel start included for both; and the kernel's own floor (every
request pipelined by raw jupyter_client), the best any client could do.

Usage: bench/run_all.py RUNT_BINARY [CELLS]
"""
import os
import subprocess
import sys
import tempfile
import time

os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

runt = sys.argv[1]
cells = int(sys.argv[2]) if len(sys.argv) > 2 else 500
scratch = tempfile.TemporaryDirectory(prefix="runt-bench-run-all-")  # removed at exit
work = scratch.name
path = os.path.join(work, "trivial.ipynb")
nb = new_notebook(cells=[new_code_cell(f"x = {i}\nx + 1") for i in range(cells)])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, path)

t0 = time.perf_counter()
subprocess.run([runt, "execute", path, "-o", os.path.join(work, "runt.ipynb")], check=True)
runt_s = time.perf_counter() - t0

t0 = time.perf_counter()
ref = nbformat.read(path, as_version=4)
NotebookClient(ref, kernel_name="python3").execute()
nbformat.write(ref, os.path.join(work, "nbclient.ipynb"))
nbclient_s = time.perf_counter() - t0

# The kernel's own floor: raw jupyter_client sending every request at once (no notebook, no
# outputs kept), kernel start included. No client can run these cells faster on this kernel.
from jupyter_client.manager import start_new_kernel  # noqa: E402

t0 = time.perf_counter()
km, kc = start_new_kernel(kernel_name="python3")
pending = {kc.execute(c.source) for c in ref.cells}
while pending:
    reply = kc.get_shell_msg(timeout=120)
    pending.discard(reply["parent_header"].get("msg_id"))
floor_s = time.perf_counter() - t0
kc.stop_channels()
km.shutdown_kernel(now=True)
del kc, km  # before interpreter teardown, where its __del__ would fail

ours = nbformat.read(os.path.join(work, "runt.ipynb"), as_version=4)
same = [c.outputs[0]["data"]["text/plain"] for c in ours.cells] == [c.outputs[0]["data"]["text/plain"] for c in ref.cells]
print(f"bench/run_all: {cells} trivial cells, kernel start included")
print(f"  runt execute {runt_s:.2f} s ({runt_s / cells * 1000:.2f} ms/cell)   nbclient {nbclient_s:.2f} s "
      f"({nbclient_s / cells * 1000:.2f} ms/cell)   runt is {nbclient_s / runt_s:.2f}x faster (target >= 1.5x); "
      f"outputs {'identical' if same else 'DIFFER'}")
print(f"  the kernel's floor (raw jupyter_client, every request sent at once, start included): {floor_s:.2f} s "
      f"({floor_s / cells * 1000:.2f} ms/cell): nbclient / floor = {nbclient_s / floor_s:.2f}x")
