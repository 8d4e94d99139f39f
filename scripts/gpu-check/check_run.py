#!/usr/bin/env python3
"""Check the `llmload run` that ran beside alloc_steps.py: the run's own gpu.jsonl, CSV and summary.

usage: check_run.py DIR     (DIR/run is the run folder; DIR/alloc_steps.jsonl the allocation steps)

The run benchmarked the built-in simulator with NVML sampling on, while PyTorch held 1 GiB more every
1.5 s, three times, then freed it all. Its timeline must show those steps:
  - the run's summary says GPU telemetry was on, through the v2 memory call, and is the CSV's source;
  - on GPU 0, each +1 GiB step raises the run's recorded memory by 1024 MiB +/- STEP_TOL_MIB and the
    free lowers it by 3072 +/- STEP_TOL_MIB (levels: medians inside each step's window, placed on the
    run's clock through summary.json's startedAtMonotonicNs, the same CLOCK_MONOTONIC Python reads);
  - the run's levels match nvidia-smi's readings inside the same windows within SMI_TOL_MIB;
  - every request's gpu_memory_mb lies within the memory the run recorded (min..max of its samples summed
    over GPUs), and at least one request was in flight during a raised step and recorded it.
"""
import csv
import json
import statistics
import sys
from pathlib import Path

STEP_TOL_MIB = 4
SMI_TOL_MIB = 8
SETTLE_MS = 300
GUARD_MS = 100

out = Path(sys.argv[1])
run = out / "run"
checks = []


def check(name, ok, detail):
    checks.append({"name": name, "pass": bool(ok), "detail": detail})
    print(f"{'PASS' if ok else 'FAIL'}  run: {name}: {detail}")


summary = json.loads((run / "summary.json").read_text())
tel = summary.get("telemetry", {})
check("GPU telemetry on", tel.get("gpu", {}).get("status") == "on", json.dumps(tel.get("gpu"))[:300])
check("memory API v2", tel.get("gpu", {}).get("memoryApi") == "v2", tel.get("gpu", {}).get("memoryApi"))
check("gpu_memory_mb from NVML", tel.get("gpuMemorySource") == "nvml", tel.get("gpuMemorySource"))
samples = [json.loads(l) for l in (run / "gpu.jsonl").read_text().splitlines() if l.strip()]
gpu0 = [s for s in samples if s["gpu"] == 0]
origin = int(summary["startedAtMonotonicNs"])
events = [json.loads(l) for l in (out / "alloc_steps.jsonl").read_text().splitlines() if l.strip()]
for e in events:
    e["tMs"] = (e["mono_ns"] - origin) / 1e6
check("the run covers the steps", bool(gpu0) and gpu0[0]["tMs"] < events[0]["tMs"] and gpu0[-1]["tMs"] > events[-1]["tMs"],
      f"run samples {gpu0[0]['tMs'] if gpu0 else None}..{gpu0[-1]['tMs'] if gpu0 else None} ms, steps {events[0]['tMs']:.0f}..{events[-1]['tMs']:.0f} ms")
windows = []
for e, nxt in zip(events, events[1:]):
    lo, hi = e["tMs"] + SETTLE_MS, nxt["tMs"] - GUARD_MS
    inside = [s["memoryUsedMiB"] for s in gpu0 if lo <= s["tMs"] <= hi]
    windows.append({"event": e["event"], "fromMs": lo, "toMs": hi, "levelMiB": statistics.median(inside) if inside else None, "samples": len(inside)})
levels = [w["levelMiB"] for w in windows]
if None in levels or len(levels) != 5:
    check("a level in every window", False, levels)
else:
    for k in range(1, 4):
        step = levels[k] - levels[k - 1]
        check(f"+1 GiB step {k}", abs(step - 1024) <= STEP_TOL_MIB, f"{step:+.2f} MiB")
    drop = levels[4] - levels[3]
    check("free all 3 GiB", abs(drop + 3072) <= STEP_TOL_MIB, f"{drop:+.2f} MiB")

# nvidia-smi readings were stamped on sample.mjs's clock: put them on the run's through the two origins.
meta = json.loads((out / "meta.json").read_text())
shift_ms = (int(meta["originHrtimeNs"]) - origin) / 1e6
smi = [json.loads(l) for l in (out / "smi.jsonl").read_text().splitlines() if l.strip()] if (out / "smi.jsonl").exists() else []
diffs = []
for r in (r for r in smi if r["gpu"] == 0):
    t0, t1 = r["t0Ms"] + shift_ms, r["t1Ms"] + shift_ms
    w = next((w for w in windows if w["levelMiB"] is not None and w["fromMs"] <= t0 and t1 <= w["toMs"]), None)
    if w:
        diffs.append(w["levelMiB"] - r["memoryUsedMiB"])
worst = max((abs(d) for d in diffs), default=None)
check("the run's levels match nvidia-smi", len(diffs) >= 5 and worst <= SMI_TOL_MIB, f"{len(diffs)} readings, worst {worst} MiB")

rows = list(csv.DictReader((run / "benchmark_results.csv").open()))
mem = [float(r["gpu_memory_mb"]) for r in rows if r["gpu_memory_mb"] not in ("", None)]
by_gpu = {}
for s in samples:
    by_gpu.setdefault(s["gpu"], []).append(s["memoryUsedMiB"])
lo_total = sum(min(v) for v in by_gpu.values())
hi_total = sum(max(v) for v in by_gpu.values())
check("every request has gpu_memory_mb", len(mem) == len(rows) and len(rows) > 0, f"{len(mem)} of {len(rows)} rows")
check("gpu_memory_mb within what was sampled", all(lo_total - 1e-6 <= m <= hi_total + 1e-6 for m in mem), f"{min(mem, default=None)}..{max(mem, default=None)} MiB; samples total {lo_total}..{hi_total}")
if levels and None not in levels:
    check("some request saw the raised memory", any(m >= levels[3] - STEP_TOL_MIB for m in mem), f"max gpu_memory_mb {max(mem, default=None)} vs 3 GiB level {levels[3]}")

ok = all(c["pass"] for c in checks)
(out / "check_run.json").write_text(json.dumps({"pass": ok, "checks": checks, "windows": windows, "smiDiffsMiB": diffs}, indent=2) + "\n")
print("RUN CHECK", "PASSED" if ok else "FAILED")
sys.exit(0 if ok else 1)
