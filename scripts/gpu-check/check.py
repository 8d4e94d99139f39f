#!/usr/bin/env python3
"""Check what scripts/gpu-check recorded; write DIR/check.json and exit 1 when a check fails.

usage: check.py DIR            after a run on a GPU (alloc_steps.py's steps must show up)
       check.py DIR --stub     after a run against the test stub (sampling pipeline only)

GPU checks (GPU 0, the one alloc_steps.py allocates on):
  - each +1 GiB step raises NVML's memory.used by 1024 MiB +/- STEP_TOL_MIB, and freeing all
    three lowers it by 3072 MiB +/- STEP_TOL_MIB (levels are medians of the samples inside each
    step's window, 300 ms after the step to 100 ms before the next)
  - NVML (llmload) and nvidia-smi agree within SMI_TOL_MIB while memory is steady
  - readings arrive on the interval: median gap within 10% of it, none under half of it (a
    deadline sampled twice), and times only increase
"""
import json
import statistics
import sys
from pathlib import Path

STEP_TOL_MIB = 4
SMI_TOL_MIB = 8
SETTLE_MS = 300
GUARD_MS = 100

out = Path(sys.argv[1])
stub = "--stub" in sys.argv[2:]
meta = json.loads((out / "meta.json").read_text())
samples = [json.loads(l) for l in (out / "gpu.jsonl").read_text().splitlines() if l.strip()]
checks = []


def check(name, ok, detail):
    checks.append({"name": name, "pass": bool(ok), "detail": detail})
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")


check("telemetry on", meta["status"]["kind"] == "on", json.dumps(meta["status"]))
check("sampled on a worker thread", meta["inWorker"], f"inWorker={meta['inWorker']}")
check("no problem reported", not meta["problems"], meta["problems"] or "none")
gpus = sorted({s["gpu"] for s in samples})
for gpu in gpus:
    mine = [s for s in samples if s["gpu"] == gpu]
    times = [s["tMs"] for s in mine]
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    median_gap = statistics.median(gaps) if gaps else float("nan")
    check(f"gpu {gpu}: times increase", all(g > 0 for g in gaps), f"{len(mine)} samples, {times[0]:.1f}..{times[-1]:.1f} ms")
    interval = meta["intervalMs"]
    # A gap far under the interval means a deadline sampled twice (a timer that fired early).
    check(f"gpu {gpu}: on the interval", bool(gaps) and abs(median_gap - interval) <= 0.1 * interval and gaps[0] >= 0.5 * interval,
          f"gaps min {gaps[0] if gaps else float('nan'):.2f} / median {median_gap:.2f} / max {gaps[-1] if gaps else float('nan'):.2f} ms, interval {interval} ms")

report = {"pass": None, "checks": checks, "meta": meta}

if stub:
    # The stub steps each device's used memory by 1024 MiB per call: a reading lost or reordered
    # between worker and file breaks the sequence.
    for gpu in gpus:
        used = [s["memoryUsedMiB"] for s in samples if s["gpu"] == gpu]
        diffs = {round(b - a, 6) for a, b in zip(used, used[1:])}
        check(f"gpu {gpu}: stub steps intact", diffs <= {1024}, f"step sizes {sorted(diffs)}")
else:
    origin = int(meta["originHrtimeNs"])
    events = [json.loads(l) for l in (out / "alloc_steps.jsonl").read_text().splitlines() if l.strip()]
    for e in events:
        e["tMs"] = (e["mono_ns"] - origin) / 1e6
    gpu0 = [s for s in samples if s["gpu"] == 0]
    check("memory API v2", meta["status"].get("memoryApi") == "v2", f"memoryApi={meta['status'].get('memoryApi')}")
    check("allocation events recorded", [e["event"] for e in events] == ["context", "alloc", "alloc", "alloc", "free", "end"],
          [e["event"] for e in events])
    check("sampling covers the steps", bool(gpu0) and gpu0[0]["tMs"] < events[0]["tMs"] and gpu0[-1]["tMs"] > events[-1]["tMs"],
          f"samples {gpu0[0]['tMs'] if gpu0 else None}..{gpu0[-1]['tMs'] if gpu0 else None} ms, events {events[0]['tMs']:.1f}..{events[-1]['tMs']:.1f} ms")
    windows = []  # (event, start, end, median level, spread)
    for e, nxt in zip(events, events[1:]):
        lo, hi = e["tMs"] + SETTLE_MS, nxt["tMs"] - GUARD_MS
        inside = [s["memoryUsedMiB"] for s in gpu0 if lo <= s["tMs"] <= hi]
        level = statistics.median(inside) if inside else None
        windows.append({"event": e["event"], "allocatedGib": e.get("allocated_gib"), "fromMs": lo, "toMs": hi, "samples": len(inside),
                        "levelMiB": level, "spreadMiB": (max(inside) - min(inside)) if inside else None, "pynvml": e.get("pynvml")})
    report["windows"] = windows
    for w in windows:
        print(f"      window {w['event']:<7} gib={w['allocatedGib']!s:<4} samples={w['samples']:<3} level={w['levelMiB']} MiB spread={w['spreadMiB']} pynvml={w['pynvml']}")
    levels = [w["levelMiB"] for w in windows]
    if None in levels or len(levels) != 5:
        check("a level in every window", False, levels)
    else:
        for k in range(1, 4):
            step = levels[k] - levels[k - 1]
            check(f"+1 GiB step {k}", abs(step - 1024) <= STEP_TOL_MIB, f"{step:+.2f} MiB (expected +1024 +/- {STEP_TOL_MIB})")
        drop = levels[4] - levels[3]
        check("free all 3 GiB", abs(drop + 3072) <= STEP_TOL_MIB, f"{drop:+.2f} MiB (expected -3072 +/- {STEP_TOL_MIB})")
        for w in windows:
            ref = w["pynvml"]
            if ref and ref.get("api") == "v2":
                # pynvml read at the window's start event: the level must match it to the MiB.
                check(f"pynvml agrees ({w['event']})", abs(ref["used_mib"] - w["levelMiB"]) <= 1,
                      f"pynvml {ref['used_mib']:.2f} vs llmload {w['levelMiB']:.2f} MiB")
    smi_path = out / "smi.jsonl"
    smi = [json.loads(l) for l in smi_path.read_text().splitlines() if l.strip()] if smi_path.exists() else []
    diffs = []
    for r in (r for r in smi if r["gpu"] == 0):
        # Only where memory is steady: inside a window, so the time between the two readings cannot matter.
        if not any(w["fromMs"] <= r["t0Ms"] and r["t1Ms"] <= w["toMs"] for w in windows):
            continue
        nearest = min(gpu0, key=lambda s: abs(s["tMs"] - (r["t0Ms"] + r["t1Ms"]) / 2))
        diffs.append(nearest["memoryUsedMiB"] - r["memoryUsedMiB"])
    worst = max((abs(d) for d in diffs), default=None)
    check("NVML agrees with nvidia-smi", len(diffs) >= 10 and worst <= SMI_TOL_MIB,
          f"{len(diffs)} steady comparisons, worst |NVML - nvidia-smi| = {worst} MiB (tolerance {SMI_TOL_MIB}); smi error: {meta['smi']['error']}")
    report["smiDiffsMiB"] = diffs

report["pass"] = all(c["pass"] for c in checks)
print(f"call cost: {json.dumps(meta['nvmlCallCost'])}")
print(f"main-thread event-loop delay while sampling (ms): {json.dumps(meta['mainEventLoopDelayMs'])}")
print("GPU CHECK", "PASSED" if report["pass"] else "FAILED")
(out / "check.json").write_text(json.dumps(report, indent=2) + "\n")
sys.exit(0 if report["pass"] else 1)
