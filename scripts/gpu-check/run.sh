#!/usr/bin/env bash
# GPU check of llmload's NVML telemetry (see README.md beside this file).
#
#   scripts/gpu-check/run.sh          on a machine with an NVIDIA GPU, python3 + PyTorch, nvidia-smi
#   scripts/gpu-check/run.sh --stub   anywhere with cc: the same node part against the test stub
#
# Needs, beside the tracked files: dist/ (npm run build), node_modules/koffi and its native part
# node_modules/@koromix/koffi-linux-x64, and node: .device/node.xz if present, else `node` on PATH.
# Writes to $OUT (default .device/out): run.log, gpu.jsonl, smi.jsonl, alloc_steps.jsonl, meta.json,
# check.json. Exit status 0 only when every check passed.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
OUT="${OUT:-$PWD/.device/out}"
mkdir -p "$OUT"
exec > >(tee "$OUT/run.log") 2>&1
STUB=0
[ "${1:-}" = "--stub" ] && STUB=1
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ -f .device/node.xz ]; then
  # python's lzma rather than xz(1): the GPU image is sure to have python3, not sure to have xz.
  python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' .device/node.xz "$WORK/node" || exit 1
  chmod +x "$WORK/node"
  NODE="$WORK/node"
else
  NODE="$(command -v node)" || { echo "no node: put it at .device/node.xz or on PATH"; exit 1; }
fi
echo "node $("$NODE" --version) at $NODE"
for need in dist/telemetry/gpu-sampler-worker-entry.js node_modules/koffi/package.json; do
  [ -e "$need" ] || { echo "missing $need: build (npm run build) and carry dist/ and node_modules/koffi, node_modules/@koromix/koffi-linux-x64"; exit 1; }
done

if [ "$STUB" = 1 ]; then
  cc -shared -fPIC -O1 -o "$WORK/libnvidia-ml-stub.so.1" test/fixtures/nvml-stub/nvml-stub.c -ldl || exit 1
  export LLMLOAD_NVML_LIBRARY="$WORK/libnvidia-ml-stub.so.1"
  "$NODE" scripts/gpu-check/sample.mjs --out "$OUT" --interval-ms 100 --max-ms 2000 --no-smi
  echo "sample.mjs exit $?"
  python3 scripts/gpu-check/check.py "$OUT" --stub
  exit $?
fi

export CUDA_DEVICE_ORDER=PCI_BUS_ID # cuda:0 in PyTorch = NVML device 0 = nvidia-smi GPU 0
nvidia-smi --query-gpu=index,name,driver_version,memory.used,memory.total --format=csv
# A whole `llmload run` against the built-in simulator, with NVML sampling, for as long as the steps take:
# its gpu.jsonl, CSV and summary are checked by check_run.py. Ctrl-C (SIGINT) ends it; it keeps its data.
"$NODE" dist/cli/main.js run --rate 5 --total_requests 100000 --max-tokens 64 --gpu-interval 100 --no-plots --quiet --seed 1 --out "$OUT/run" &
RUN=$!
PYTHONUNBUFFERED=1 python3 scripts/gpu-check/alloc_steps.py "$OUT/alloc_steps.jsonl" "$WORK/alloc.done" 1.5 &
PY=$!
# Samples from before the CUDA context exists until alloc_steps.py is done (at most 90 s).
"$NODE" scripts/gpu-check/sample.mjs --out "$OUT" --interval-ms 100 --max-ms 90000 --until-file "$WORK/alloc.done" --smi-ms 250
echo "sample.mjs exit $?"
wait "$PY"
echo "alloc_steps.py exit $?"
kill -INT "$RUN" 2>/dev/null
wait "$RUN"
echo "llmload run exit $? (130: stopped by SIGINT, as planned)"
python3 scripts/gpu-check/check.py "$OUT"
SAMPLER=$?
python3 scripts/gpu-check/check_run.py "$OUT"
RUNCHECK=$?
[ "$SAMPLER" = 0 ] && [ "$RUNCHECK" = 0 ]
