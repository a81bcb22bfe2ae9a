#!/usr/bin/env bash
# Runs PyTorch's reference (shared/bench/torch_reference.py) and Tessera's suite on this machine in one go, and
# prints the ratio table torch_ms / tessera_ms (above 1: Tessera is faster) with the geometric mean.
#   bench/compare.sh [FILTER] [MIN_TIME]
# Needs Debian's python3-torch, python3-torchvision and libopenblas0-pthread (apt-get install -y ...).
set -euo pipefail
cd "$(dirname "$0")/.."
FILTER=${1:-}
MIN_TIME=${2:-1.0}
SHARED=${SHARED:-../shared}
out=$(mktemp -d)
dotnet build src/Tessera.Cli -c Release -v quiet -nologo >/dev/null
/usr/bin/python3 "$SHARED/bench/torch_reference.py" --json --filter "$FILTER" --min-time "$MIN_TIME" > "$out/torch.jsonl"
dotnet src/Tessera.Cli/bin/Release/net10.0/tessera.dll bench --json --filter "$FILTER" --min-time "$MIN_TIME" > "$out/tessera.jsonl"
/usr/bin/python3 - "$out/torch.jsonl" "$out/tessera.jsonl" <<'PY'
import json, math, sys, platform, datetime, os
def load(p):
    return {j["workload"]: j for j in map(json.loads, filter(None, open(p).read().splitlines()))}
torch, tess = load(sys.argv[1]), load(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
print(f"Measured {datetime.date.today()} on {cpu}, {os.cpu_count()} cores; ratio = torch_ms / tessera_ms (> 1: Tessera faster)\n")
print("| workload | PyTorch ms | Tessera ms | ratio |")
print("| --- | ---: | ---: | ---: |")
logs = []
for name, t in torch.items():
    if name in tess:
        r = t["ms"] / tess[name]["ms"]; logs.append(math.log(r))
        print(f"| {name} | {t['ms']:.3f} | {tess[name]['ms']:.3f} | {r:.2f} |")
    else:
        print(f"| {name} | {t['ms']:.3f} | — | not implemented |")
if logs:
    print(f"| **geometric mean** ({len(logs)} workloads) | | | **{math.exp(sum(logs) / len(logs)):.2f}** |")
PY
