#!/usr/bin/env bash
# What recording per-deployment request metrics costs the proxy: bench/run.sh twice, with HELIX_PROXY_METRICS on and
# off, alternating, BENCH_ROUNDS times (default 2). Prints one JSON object: each round's helix figures and the mean
# throughput difference. Same needs and tuning variables as run.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${BENCH_ROUNDS:-2}
results=()
for ((i = 1; i <= rounds; i++)); do
  for mode in on off; do
    echo "bench: round $i, proxy metrics $mode" >&2
    results+=("$mode $(BENCH_PROXY_METRICS=$mode "$here/run.sh" | python3 -c 'import json,sys; h=json.load(sys.stdin)["proxy"]["helix"]; print(h["rps"], h["p99_ms"])')")
  done
done
printf '%s\n' "${results[@]}" | python3 -c '
import json, sys
runs = {"on": [], "off": []}
for line in sys.stdin:
    mode, rps, p99 = line.split()
    runs[mode].append({"rps": float(rps), "p99_ms": float(p99)})
mean = lambda xs: sum(xs) / len(xs)
on, off = mean([r["rps"] for r in runs["on"]]), mean([r["rps"] for r in runs["off"]])
print(json.dumps({"metrics_on": runs["on"], "metrics_off": runs["off"],
                  "mean_rps_on": round(on, 1), "mean_rps_off": round(off, 1),
                  "throughput_cost_percent": round(100 * (off - on) / off, 1)}))'
