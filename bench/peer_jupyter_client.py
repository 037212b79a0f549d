#!/usr/bin/python3
"""The peer of bench/agent: raw jupyter_client on the same kernelspec, in the same run.

  latency N   execute "1+1" N times; prints one line "latency_ms v1 v2 ..." (execute sent ->
              execute_result received on iopub)
  flood       runs `for i in range(10**6): print(i)` and drains iopub; prints
              "flood_seconds S bytes B"
  ready       kernel start -> first kernel_info reply; prints "ready_seconds S"
"""
import sys
import time

import os

os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # quiet debugpy, as the agent does

from jupyter_client.manager import start_new_kernel  # noqa: E402

FLOOD = "for i in range(10**6):\n    print(i)"


def run(kc, code):
    msg_id = kc.execute(code)
    first_result = None
    stream_bytes = 0
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "execute_result" and first_result is None:
            first_result = time.perf_counter()
        elif kind == "stream":
            stream_bytes += len(msg["content"]["text"].encode())
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            return first_result, stream_bytes


def main():
    mode = sys.argv[1]
    t0 = time.perf_counter()
    km, kc = start_new_kernel(kernel_name="python3")
    ready = time.perf_counter() - t0
    try:
        if mode == "ready":
            print(f"ready_seconds {ready:.3f}")
        elif mode == "latency":
            n = int(sys.argv[2])
            run(kc, "1+1")  # warm-up
            values = []
            for _ in range(n):
                start = time.perf_counter()
                got, _ = run(kc, "1+1")
                values.append((got - start) * 1000)
            print("latency_ms " + " ".join(f"{v:.3f}" for v in values))
        elif mode == "flood":
            start = time.perf_counter()
            _, stream_bytes = run(kc, FLOOD)
            print(f"flood_seconds {time.perf_counter() - start:.3f} bytes {stream_bytes}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    main()
