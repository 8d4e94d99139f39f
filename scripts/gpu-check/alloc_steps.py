#!/usr/bin/env python3
"""Allocate GPU memory in known steps, stamping each on the monotonic clock, for scripts/gpu-check.

usage: alloc_steps.py EVENTS_JSONL DONE_FILE [STEP_SECONDS]

Events, one JSON object a line: context (CUDA context made: the baseline), alloc (one more 1 GiB
tensor; 'allocated_gib' says how many are held), free (all released and the cache emptied), end.
'mono_ns' is time.monotonic_ns(): CLOCK_MONOTONIC, the clock Node's process.hrtime reads, so the
checker can put these events on the sampler's run clock. Each event is stamped after
torch.cuda.synchronize(), when the memory is really held (or really given back).

The tensors come from torch.empty: cudaMalloc commits device memory at allocation, so no kernel is
needed to make it count, and no kernel's code gets loaded (lazily, a few MiB) in mid-run.
If nvidia-ml-py is there, each event also records what it reads through nvmlDeviceGetMemoryInfo
(v2 when it can): a second, independent NVML reader to compare llmload's with.
"""
import json
import sys
import time

import torch

GIB = 1 << 30
events_path, done_path = sys.argv[1], sys.argv[2]
step_s = float(sys.argv[3]) if len(sys.argv) > 3 else 1.5

try:
    import pynvml

    pynvml.nvmlInit()
    # run.sh sets CUDA_DEVICE_ORDER=PCI_BUS_ID, so cuda:0 is NVML's device 0.
    nvml_handle = pynvml.nvmlDeviceGetHandleByIndex(0)
except Exception as err:  # the check still runs without it
    print(f"alloc_steps: no pynvml reference ({err})", flush=True)
    nvml_handle = None


def pynvml_used_mib():
    if nvml_handle is None:
        return None
    try:
        info = pynvml.nvmlDeviceGetMemoryInfo(nvml_handle, version=pynvml.nvmlMemory_v2)
        api = "v2"
    except Exception:
        info = pynvml.nvmlDeviceGetMemoryInfo(nvml_handle)
        api = "v1"
    return {"used_mib": info.used / 2**20, "api": api}


out = open(events_path, "w", buffering=1)


def event(name, **fields):
    torch.cuda.synchronize()
    record = {"event": name, "mono_ns": time.monotonic_ns(), **fields}
    record["pynvml"] = pynvml_used_mib()
    record["torch_reserved_mib"] = torch.cuda.memory_reserved() / 2**20
    out.write(json.dumps(record) + "\n")
    print(f"alloc_steps: {name} {fields}", flush=True)


device = torch.device("cuda:0")
torch.empty(1, dtype=torch.uint8, device=device)  # makes the CUDA context: not a step of ours
event("context", device=torch.cuda.get_device_name(device))
time.sleep(step_s)

held = []
for k in range(1, 4):
    held.append(torch.empty(GIB, dtype=torch.uint8, device=device))
    event("alloc", allocated_gib=k)
    time.sleep(step_s)

held.clear()
torch.cuda.empty_cache()  # give the blocks back to the driver, or NVML would still count them
event("free", allocated_gib=0)
time.sleep(step_s)
event("end")
out.close()
open(done_path, "w").close()
