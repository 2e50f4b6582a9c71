#!/usr/bin/env bash
# HelixStack benchmarks, run by hand: ./bench/run.sh > bench/results/$(date +%F).json
# Measures, on this machine, with a throwaway HELIX_HOME and free ports:
#   deploy_s   : `helix deploy examples/hello-node` start -> the production URL serves the new body
#   rollback_s : rollback API call -> the old body is served
#   restart_s  : restart API call -> a new instance answers
#   proxy      : wrk against the instance directly, through HelixStack's proxy, and through nginx to the same instance
# Needs wrk and nginx (apt-get install wrk nginx-light). Prints one JSON object on stdout; progress goes to stderr.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null || { echo "bench: wrk not found (apt-get install wrk)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "bench: nginx not found (apt-get install nginx-light)" >&2; exit 1; }
DURATION=${BENCH_DURATION:-10s}
CONNECTIONS=${BENCH_CONNECTIONS:-32}

work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(free_port); http=$(free_port); ngx=$(free_port)
export HELIX_HOME=$work/home HELIX_API_PORT=$api HELIX_HTTP_PORT=$http HELIX_SSH_PORT=0
export HELIX_PROXY_METRICS=${BENCH_PROXY_METRICS:-on}   # off: the proxy records no request metrics (see proxy-metrics.sh)
cleanup() { [ -n "${server:-}" ] && kill "$server" 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$root/helix" version >/dev/null   # builds on first use, outside the measurements
"$root/helix" up >"$work/server.log" 2>&1 & server=$!
until curl -sf "http://127.0.0.1:$api/healthz" >/dev/null; do sleep 0.2; kill -0 "$server" || { cat "$work/server.log" >&2; exit 1; }; done
token=$(sed -n 's/^token=//p' "$HELIX_HOME/credentials")
body() { curl -s -H "Host: hello.localhost:$http" "http://127.0.0.1:$http/"; }
now() { date +%s.%N; }
since() { python3 -c "print(round($(now) - $1, 3))"; }
wait_body() { until [ "$(body)" = "$1" ]; do sleep 0.02; done; }

cp -r "$root/examples/hello-node" "$work/app"
echo "bench: first deploy" >&2
t=$(now); "$root/helix" deploy "$work/app" --app hello >&2; wait_body "Hello from HelixStack v1"; first_deploy=$(since "$t")
echo v2 > "$work/app/VERSION"
echo "bench: deploy v2" >&2
t=$(now); "$root/helix" deploy "$work/app" --app hello >&2; wait_body "Hello from HelixStack v2"; deploy=$(since "$t")
echo "bench: rollback" >&2
t=$(now); curl -sf -X POST -H "Authorization: Bearer $token" -H 'content-type: application/json' -d '{}' \
  "http://127.0.0.1:$api/applications/hello/rollback" >/dev/null; wait_body "Hello from HelixStack v1"; rollback=$(since "$t")
echo "bench: restart" >&2
inst() { curl -s -D - -o /dev/null -H "Host: hello.localhost:$http" "http://127.0.0.1:$http/" | tr -d '\r' | sed -n 's/^x-helix-instance: //Ip'; }
before=$(inst)
t=$(now); curl -sf -X POST -H "Authorization: Bearer $token" "http://127.0.0.1:$api/applications/hello/restart" >/dev/null
until [ "$(inst)" != "$before" ]; do sleep 0.02; done; restart=$(since "$t")

# The live instance's endpoint, from the platform's own log line "Starting main/1 instance … on 127.0.0.1:PORT".
upstream=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$api/applications/hello/logs?limit=1000" \
  | grep -o 'instance [^ ]* on 127.0.0.1:[0-9]*' | tail -n 1 | sed 's/.* on //')
cat > "$work/nginx.conf" <<NGINX
daemon on; pid $work/nginx.pid; error_log $work/nginx.err; worker_processes 1;
events { worker_connections 1024; }
http { access_log off; upstream app { server $upstream; keepalive 64; }
  server { listen 127.0.0.1:$ngx; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
NGINX
nginx -c "$work/nginx.conf" -p "$work"
run_wrk() { # $1 = url, $2 = host header -> "rps p99_ms"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Host: $2" "$1" 2>/dev/null | awk '
    /Requests\/sec/ {rps=$2} /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v}
    END {printf "%s %s\n", rps, p99}'; }
WARMUP=${BENCH_WARMUP:-20s}
echo "bench: warming up each path for $WARMUP (the JVM compiles its hot paths first)" >&2
run_wrk "http://$upstream/" "$upstream" >/dev/null
for target in "http://127.0.0.1:$http/ hello.localhost:$http" "http://127.0.0.1:$ngx/ hello.localhost"; do
  # shellcheck disable=SC2086
  set -- $target; wrk -t2 -c"$CONNECTIONS" -d"$WARMUP" -H "Host: $2" "$1" >/dev/null 2>&1
done
echo "bench: wrk direct / helix / nginx ($DURATION, $CONNECTIONS connections each)" >&2
read -r d_rps d_p99 < <(run_wrk "http://$upstream/" "$upstream")
read -r h_rps h_p99 < <(run_wrk "http://127.0.0.1:$http/" "hello.localhost:$http")
read -r n_rps n_p99 < <(run_wrk "http://127.0.0.1:$ngx/" "hello.localhost")
cat <<JSON
{"machine": {"cores": $(nproc), "warmup": "$WARMUP", "java": "$("$("$root/.mvn/find-jdk")/bin/java" -version 2>&1 | head -n1 | tr -d '"')"},
 "deploy_first_s": $first_deploy, "deploy_s": $deploy, "rollback_s": $rollback, "restart_s": $restart,
 "proxy": {"duration": "$DURATION", "connections": $CONNECTIONS, "metrics": "$HELIX_PROXY_METRICS",
   "direct": {"rps": $d_rps, "p99_ms": $d_p99},
   "helix": {"rps": $h_rps, "p99_ms": $h_p99},
   "nginx": {"rps": $n_rps, "p99_ms": $n_p99}}}
JSON
