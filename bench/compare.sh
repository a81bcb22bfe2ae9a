#!/usr/bin/env bash
# Runs PyTorch's reference (shared/bench/torch_reference.py) and Tessera's suite on this machine in one go, and
# prints the ratio table torch_ms / tessera_ms (above 1: Tessera is faster) with the geometric mean.
#   bench/compare.sh [FILTER] [MIN_TIME]
# REPEAT=N (default 1) alternates N rounds of both suites and takes each workload's median over the rounds, for
# machines whose speed drifts (shared cloud cores): a burst of noise then moves one round, not the table.
# Needs Debian's python3-torch, python3-torchvision and libopenblas0-pthread (apt-get install -y ...).
set -euo pipefail
cd "$(dirname "$0")/.."
FILTER=${1:-}
MIN_TIME=${2:-1.0}
REPEAT=${REPEAT:-1}
SHARED=${SHARED:-../shared}
out=$(mktemp -d)
dotnet build src/Tessera.Cli -c Release -v quiet -nologo >/dev/null
for round in $(seq 1 "$REPEAT"); do
  /usr/bin/python3 "$SHARED/bench/torch_reference.py" --json --filter "$FILTER" --min-time "$MIN_TIME" > "$out/torch.$round.jsonl"
  dotnet src/Tessera.Cli/bin/Release/net10.0/tessera.dll bench --json --filter "$FILTER" --min-time "$MIN_TIME" > "$out/tessera.$round.jsonl"
done
/usr/bin/python3 - "$out" "$REPEAT" <<'PY'
import json, math, sys, platform, datetime, os, statistics
out, repeat = sys.argv[1], int(sys.argv[2])
def load(side):
    runs = {}
    for r in range(1, repeat + 1):
        for j in map(json.loads, filter(None, open(f"{out}/{side}.{r}.jsonl").read().splitlines())):
            runs.setdefault(j["workload"], []).append(j["ms"])
    return {w: statistics.median(v) for w, v in runs.items()}
torch, tess = load("torch"), load("tessera")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
rounds = f", median of {repeat} alternating rounds" if repeat > 1 else ""
print(f"Measured {datetime.date.today()} on {cpu}, {os.cpu_count()} cores{rounds}; ratio = torch_ms / tessera_ms (> 1: Tessera faster)\n")
print("| workload | PyTorch ms | Tessera ms | ratio |")
print("| --- | ---: | ---: | ---: |")
logs = []
for name, t in torch.items():
    if name in tess:
        r = t / tess[name]; logs.append(math.log(r))
        print(f"| {name} | {t:.3f} | {tess[name]:.3f} | {r:.2f} |")
    else:
        print(f"| {name} | {t:.3f} | — | not implemented |")
if logs:
    print(f"| **geometric mean** ({len(logs)} workloads) | | | **{math.exp(sum(logs) / len(logs)):.2f}** |")
PY
