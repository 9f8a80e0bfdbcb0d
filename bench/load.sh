#!/usr/bin/env bash
# Side-by-side load test: the gateway against a plain nginx reverse proxy and against the mock itself.
#
#   bench/load.sh                      # builds the jars if needed, runs ~5 minutes, prints a table
#   DURATION=10 ROUNDS=5 bench/load.sh # longer, steadier figures
#
# Its output starts with the git revision (with -dirty when the work tree has changes) and the sha256 of both
# jars, which the results file records too: a figure is only comparable with another from the same build. The
# jars are rebuilt when one is missing or a source file (proxy/src/main, admin-static, bench/src, testkit/src, a pom.xml) is
# newer than it, or always with REBUILD=1. The programs it starts are in bench/target/benchmarks.jar, package
# io.llmgateway.bench.load (and the paced mock, io.llmgateway.bench.CannedMock).
#
# Targets, all on loopback and on the same cores:
#   direct   wrk -> mock                       (nginx serving canned OpenAI JSON / chunked SSE from memory)
#   nginx    wrk -> nginx reverse proxy -> mock (keep-alive upstream, proxy_buffering off): the reference
#   netty    wrk -> NettyReferenceProxy -> mock (the gateway's stack, Netty's HTTP codecs, no other work):
#            the platform floor, which splits the gateway/nginx gap into platform and gateway work
#   gateway  wrk -> proxy/target/llm-gateway.jar -> mock (parses, estimates tokens, admits, splices, taps)
# One core: at c=1 most of the latency is threads waking each other across cores (a hand-over between cores
# costs more than the work, and the scheduler's choice of core decides how many hops cross), so the 1pin case
# runs wrk, the mock and the target on one core, where every hand-over is local: what is left is the work itself.
# Each case (json|sse x concurrency) runs the targets back to back, in rotating order, ROUNDS times;
# the table shows medians over rounds, and ratios computed within each round; a last table splits the whole
# machine's CPU per request into the target, the mock and the rest (wrk), which at c=64 is what sets req/s, and
# the same total into user and kernel mode (which process loopback's network work is charged to varies).
# A one-connection probe (SequentialProbe) then reports each request's latency as measured: wrk corrects its
# latencies for coordinated omission, which at one connection makes its p99 the share of the run spent in pauses;
# a second pass waits IDLE_PAUSE_MS after each answer, as a lightly used gateway is called (idle cores).
# A paced-SSE case (a Java mock sending an event every 20 ms) measures the gateway's added time to first
# token and added inter-chunk gap against the same mock reached directly, and what the translation adds (an
# Anthropic client's /v1/messages stream from the same mock) against the same gateway's pass-through.
#
# TLS=1: client TLS, the gateway's TLS listener (server.tls) against nginx `listen ssl` with the same certificate
# (made with openssl for the run), both proxying to the plain mock; direct and netty stay plain. The one-connection
# UPSTREAM_TLS=1: provider TLS, the gateway with https providers against nginx `proxy_pass https` to the same
# nginx mock (which then also listens with TLS): both keep upstream connections alive and resume TLS sessions
# (the gateway's session cache; nginx's proxy_ssl_session_reuse on and its upstream keepalive), both verify the
# mock's certificate. UPSTREAM_H2=1 with it: the gateway's providers are `http2: true` (nginx proxies to its
# upstreams over HTTP/1.1 only). The direct and netty targets still reach the mock in plain HTTP. The
# probe and the paced case speak plain HTTP only, so they are off unless asked for. Compare the engines with
# GATEWAY_OPTS="-Xms64m -Xmx256m -Dllmgateway.tls.engine=jdk" (the gateway's start-up line names the engine).
#
# H2=1 adds an HTTP/2 case (bench/load/h2.sh): h2load against the gateway (h2c, or h2 by ALPN with TLS=1) and
# nginx `http2` proxying to the same mock; H2_CLIENTS x H2_STREAMS concurrent streams, the kinds of H2_KINDS.
# TRACING=1: a second gateway, "traced", with the same config plus tracing (sample_ratio 1.0) exporting every
# span to a local sink (nginx answering 200 to the OTLP posts), runs in the same rounds; the report adds the CPU
# per request tracing adds (traced minus gateway, within each round) and the spans exported and dropped.
#
# Needs nginx and wrk (installed with apt-get when missing and running as root). Nothing here is a test.
set -euo pipefail

DURATION=${DURATION:-5}            # seconds per measured wrk run
ROUNDS=${ROUNDS:-3}                # interleaved rounds
WARMUP=${WARMUP:-10}               # seconds of gateway warm-up (JIT) per body kind before measuring
CONNS=${CONNS:-"1 1pin 64"}        # wrk concurrency levels (keep-alive connections); 1pin: one connection with
                                   # wrk, the mock and the target on one core (PIN_CPU), see "one core" below
PIN_CPU=${PIN_CPU:-0}              # the core of the 1pin case
KINDS=${KINDS:-"json sse messages messages-sse cache"}  # request/response kinds; the messages kinds are an
                                   # Anthropic client's request (/v1/messages) translated to the OpenAI-format mock, run
                                   # on the gateway only and compared with the json and sse kinds of the same gateway;
                                   # cache: the same json request every time, to a model with the response cache on
                                   # (every request but the first a hit, answered from memory), against the json case
                                   # of direct, nginx and netty (which have no cache)
TARGETS=${TARGETS:-"direct nginx netty gateway"}
NGINX_WORKERS=${NGINX_WORKERS:-auto}   # worker processes of the mock and of the reference proxy
GATEWAY_OPTS=${GATEWAY_OPTS:-"-Xms64m -Xmx256m"}   # also the JVM options of the netty reference
TLS=${TLS:-0}                      # 1: client TLS to the gateway and to nginx (see above)
UPSTREAM_TLS=${UPSTREAM_TLS:-0}    # 1: provider TLS: the gateway and nginx reach the mock over https (see above)
UPSTREAM_H2=${UPSTREAM_H2:-0}      # 1 (with UPSTREAM_TLS=1): the gateway's providers are http2: true
PROBE=${PROBE:-$((1 - TLS))}       # 0 skips the one-connection latency probe (latencies without wrk's correction)
PROBE_SECONDS=${PROBE_SECONDS:-4}  # per target, kind and round
IDLE_PAUSE_MS=${IDLE_PAUSE_MS:-100}  # the probe's second pass: this pause after each answer (0 skips the pass)
PACED=${PACED:-$((1 - TLS))}       # 0 skips the paced-SSE case
PACED_SECONDS=${PACED_SECONDS:-4}  # per target and round
PACED_CONCURRENCY=${PACED_CONCURRENCY:-8}
PACED_CHUNKS=${PACED_CHUNKS:-20}
PACED_INTERVAL_MS=${PACED_INTERVAL_MS:-20}
CLIENT_KEY=${CLIENT_KEY:-0}         # 1: the gateway requires the client key wrk sends; budget: that key and every
                                   # provider with a budget and a price (the cost of budget admission)
PACED_MESSAGES=${PACED_MESSAGES:-true}  # false skips the paced stream through the translation (/v1/messages)
H2=${H2:-0}                        # 1: the HTTP/2 case with h2load (Debian package nghttp2-client)
H2_CLIENTS=${H2_CLIENTS:-8}        # h2load connections
H2_STREAMS=${H2_STREAMS:-8}        # concurrent streams per connection
H2_KINDS=${H2_KINDS:-"json sse"}
PORT_BASE=${PORT_BASE:-18080}      # uses PORT_BASE+1 .. +10 on 127.0.0.1
REBUILD=${REBUILD:-0}              # 1 rebuilds the jars even when they are newer than every source
KEEP=${KEEP:-0}                    # 1 keeps the work directory (configs, logs, raw results)
TRACING=${TRACING:-0}              # 1: also the "traced" gateway (see above), on PORT_BASE+7, its sink on +8

cd "$(dirname "$0")/.."
ROOT=$(pwd)
GATEWAY_JAR=$ROOT/proxy/target/llm-gateway.jar
BENCH_JAR=$ROOT/bench/target/benchmarks.jar
MOCK_PORT=$((PORT_BASE + 1))
NGINX_PORT=$((PORT_BASE + 2))
GATEWAY_PORT=$((PORT_BASE + 3))
PACED_PORT=$((PORT_BASE + 4))
NETTY_PORT=$((PORT_BASE + 5))
GATEWAY_TLS_PORT=$((PORT_BASE + 6))
H2_NGINX_PORT=$((PORT_BASE + 7))
MOCK_TLS_PORT=$((PORT_BASE + 8))
TRACED_PORT=$((PORT_BASE + 9))
SINK_PORT=$((PORT_BASE + 10))
if [ "$TRACING" = 1 ]; then
  [ "$TLS" = 1 ] && { echo "load.sh: TRACING=1 runs on plain HTTP only (TLS=0)" >&2; exit 2; }
  [[ " $TARGETS " == *" traced "* ]] || TARGETS="$TARGETS traced"
fi

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- prerequisites ---------------------------------------------------------------------------------------
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
[ "$H2" = 1 ] && { command -v h2load >/dev/null 2>&1 || need+=(nghttp2-client); }
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "load.sh: please install ${need[*]} (Debian: apt-get install -y ${need[*]})" >&2
    exit 2
  fi
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# Why the jars need building, or nothing when both are newer than every file they are built from.
GATEWAY_SOURCES="proxy/src/main admin-static/src pom.xml proxy/pom.xml admin-static/pom.xml"
stale_reason() {
  local jar sources newer
  [ "$REBUILD" = 1 ] && { echo "REBUILD=1"; return; }
  for jar in "$GATEWAY_JAR" "$BENCH_JAR"; do
    [ -f "$jar" ] || { echo "${jar#"$ROOT"/} is missing"; return; }
    sources=$GATEWAY_SOURCES
    [ "$jar" = "$BENCH_JAR" ] && sources="$sources bench/src bench/pom.xml testkit/src testkit/pom.xml"
    # shellcheck disable=SC2086
    newer=$(find $sources -type f -newer "$jar" -print -quit 2>/dev/null || true)
    [ -n "$newer" ] && { echo "$newer is newer than ${jar#"$ROOT"/}"; return; }
  done
  return 0
}
reason=$(stale_reason)
if [ -n "$reason" ]; then
  log "building the gateway and benchmark jars ($reason)"
  mvn -q -B -DskipTests -pl bench -am package >&2   # stdout is the report's
fi
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
if [ "$revision" != unknown ] && [ -n "$(git status --porcelain 2>/dev/null)" ]; then
  revision=$revision-dirty
fi
gateway_sha=$(sha256sum "$GATEWAY_JAR" | cut -d' ' -f1)
bench_sha=$(sha256sum "$BENCH_JAR" | cut -d' ' -f1)
BUILD_LINE="revision=$revision gateway_jar_sha256=$gateway_sha bench_jar_sha256=$bench_sha"
echo "revision: $revision"
echo "proxy/target/llm-gateway.jar sha256: $gateway_sha"
echo "bench/target/benchmarks.jar sha256: $bench_sha"

for port in "$MOCK_PORT" "$NGINX_PORT" "$GATEWAY_PORT" "$PACED_PORT" "$NETTY_PORT" "$GATEWAY_TLS_PORT" \
    "$H2_NGINX_PORT" "$MOCK_TLS_PORT" "$TRACED_PORT" "$SINK_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "load.sh: port $port on 127.0.0.1 is in use (a previous run still going?); set PORT_BASE to move" >&2
    exit 2
  fi
done

WORK=$(mktemp -d /tmp/llmgw-load.XXXXXX)
mkdir -p "$WORK/tmp"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for f in "$WORK/mock.pid" "$WORK/proxy.pid" "$WORK/h2.pid" "$WORK/sink.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then echo "work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT INT TERM

java -cp "$BENCH_JAR" io.llmgateway.bench.load.LoadFiles "$WORK"
if [ "$TLS" = 1 ] && { [ "$PROBE" = 1 ] || [ "$PACED" = 1 ]; }; then
  echo "load.sh: the probe and the paced case speak plain HTTP only: run TLS=1 with PROBE=0 PACED=0" >&2
  exit 2
fi
SCHEME=http
SSL_LISTEN=""
SSL_CONF=""
GATEWAY_TLS=""
if [ "$TLS" = 1 ] || [ "$UPSTREAM_TLS" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -keyout "$WORK/tls.key" \
      -out "$WORK/tls.crt" -subj /CN=127.0.0.1 -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
fi
if [ "$TLS" = 1 ]; then
  SCHEME=https
  SSL_LISTEN="ssl "
  # What the gateway does: TLSv1.3 and 1.2, session resumption (a cache, and tickets by default).
  SSL_CONF="ssl_certificate $WORK/tls.crt; ssl_certificate_key $WORK/tls.key; ssl_protocols TLSv1.3 TLSv1.2;"
  SSL_CONF="$SSL_CONF ssl_session_cache shared:SSL:10m;"
  GATEWAY_TLS="  tls: {port: $GATEWAY_TLS_PORT, cert_file: $WORK/tls.crt, key_file: $WORK/tls.key}"
  echo "client TLS: on"
fi
MOCK_TLS=""        # the mock's TLS listener
UPSTREAM_SCHEME=http
NGINX_UPSTREAM_PORT=$MOCK_PORT
PROXY_SSL=""       # nginx's side of provider TLS
PROVIDER_URL="http://127.0.0.1:$MOCK_PORT"
PROVIDER_TLS=""    # the gateway's side
if [ "$UPSTREAM_TLS" = 1 ]; then
  h2_listen=""
  [ "$UPSTREAM_H2" = 1 ] && h2_listen=" http2"
  MOCK_TLS="listen 127.0.0.1:$MOCK_TLS_PORT ssl$h2_listen backlog=4096; ssl_certificate $WORK/tls.crt;"
  MOCK_TLS="$MOCK_TLS ssl_certificate_key $WORK/tls.key; ssl_protocols TLSv1.3 TLSv1.2; ssl_session_cache shared:MOCKSSL:10m;"
  UPSTREAM_SCHEME=https
  NGINX_UPSTREAM_PORT=$MOCK_TLS_PORT
  # Verified like the gateway's (the name: nginx checks DNS names, the gateway the IP address).
  PROXY_SSL="proxy_ssl_session_reuse on; proxy_ssl_protocols TLSv1.3 TLSv1.2; proxy_ssl_verify on;"
  PROXY_SSL="$PROXY_SSL proxy_ssl_trusted_certificate $WORK/tls.crt; proxy_ssl_name localhost;"
  PROVIDER_URL="https://127.0.0.1:$MOCK_TLS_PORT"
  PROVIDER_TLS="    ca_file: $WORK/tls.crt"
  [ "$UPSTREAM_H2" = 1 ] && PROVIDER_TLS+=$'\n    http2: true'
  echo "provider TLS: on$( [ "$UPSTREAM_H2" = 1 ] && echo ', the gateway over HTTP/2')"
elif [ "$UPSTREAM_H2" = 1 ]; then
  echo "load.sh: UPSTREAM_H2=1 needs UPSTREAM_TLS=1" >&2
  exit 2
fi

# ---- nginx: mock and reference proxy --------------------------------------------------------------------
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"   # workers must reach the temp dirs of this run
# Fills a template. The canned bodies go through ENVIRON: awk -v would interpret their backslashes.
fill() { # template output port
  BENCH_JSON=$(cat "$WORK/canned-json.nginx") BENCH_SSE=$(cat "$WORK/canned-sse.nginx") \
  awk -v dir="$WORK" -v user="$user_line" -v workers="$NGINX_WORKERS" -v port="$3" -v up="$NGINX_UPSTREAM_PORT" \
      -v ssl="$SSL_LISTEN" -v sslconf="$SSL_CONF" -v mocktls="$MOCK_TLS" -v upscheme="$UPSTREAM_SCHEME" \
      -v proxyssl="$PROXY_SSL" '
    { gsub(/@DIR@/, dir); gsub(/@USER@/, user); gsub(/@WORKERS@/, workers); gsub(/@UPSTREAM_PORT@/, up);
      gsub(/@PORT@/, port); gsub(/@SSL@/, ssl); gsub(/@SSL_CONF@/, sslconf); gsub(/@MOCK_TLS@/, mocktls);
      gsub(/@UPSTREAM_SCHEME@/, upscheme); gsub(/@PROXY_SSL@/, proxyssl);
      i = index($0, "@JSON@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["BENCH_JSON"] substr($0, i + 6);
      i = index($0, "@SSE@"); if (i) $0 = substr($0, 1, i - 1) ENVIRON["BENCH_SSE"] substr($0, i + 5);
      print }' "$1" > "$2"
}
fill bench/load/nginx-mock.conf.in "$WORK/mock.conf" "$MOCK_PORT"
fill bench/load/nginx-proxy.conf.in "$WORK/proxy.conf" "$NGINX_PORT"
"$NGINX" -p "$WORK" -c "$WORK/mock.conf" -g 'daemon on;'
"$NGINX" -p "$WORK" -c "$WORK/proxy.conf" -g 'daemon on;'
if [ "$TRACING" = 1 ]; then
  # The traced gateway's collector: takes every OTLP post and answers 200, at as little cost as possible.
  cat > "$WORK/sink.conf" <<EOF
$user_line
worker_processes 1;
pid $WORK/sink.pid;
error_log $WORK/sink-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/sink-body;
    client_max_body_size 64m;
    client_body_buffer_size 16m;
    server {
        listen 127.0.0.1:$SINK_PORT;
        location / { return 200; }
    }
}
EOF
  "$NGINX" -p "$WORK" -c "$WORK/sink.conf" -g 'daemon on;'
fi

# ---- the paced mock, the netty reference and the gateway -------------------------------------------------
if [ "$PACED" = 1 ]; then
  java -Xmx128m -cp "$BENCH_JAR" io.llmgateway.bench.CannedMock --port "$PACED_PORT" \
      --interval-ms "$PACED_INTERVAL_MS" --chunks "$PACED_CHUNKS" > "$WORK/paced-mock.log" 2>&1 &
  PIDS+=($!)
fi
NETTY_PID=""
if [[ " $TARGETS " == *" netty "* ]]; then
  # shellcheck disable=SC2086
  java $GATEWAY_OPTS -cp "$BENCH_JAR" io.llmgateway.bench.load.NettyReferenceProxy --port "$NETTY_PORT" \
      --upstream-port "$MOCK_PORT" > "$WORK/netty-reference.log" 2>&1 &
  NETTY_PID=$!
  PIDS+=("$NETTY_PID")
  # Up before the gateway starts: its start-up time is measured on an otherwise idle machine.
  until grep -q listening "$WORK/netty-reference.log" 2>/dev/null; do
    kill -0 "$NETTY_PID" 2>/dev/null || { cat "$WORK/netty-reference.log" >&2; echo "load.sh: the netty reference did not start" >&2; exit 1; }
    sleep 0.02
  done
fi
# CLIENT_KEY: the key wrk-post.lua sends, alone or with budgets far above what a run spends.
GATEWAY_ACCESS=""
PROVIDER_BUDGET=""
case $CLIENT_KEY in
  0) ;;
  1) GATEWAY_ACCESS=$'gateway:\n  api_keys:\n    - {name: bench, key: sk-client-key}' ;;
  budget)
    GATEWAY_ACCESS=$'gateway:\n  api_keys:\n    - {name: bench, key: sk-client-key, budget: {usd: 1000000, period: month}}'
    GATEWAY_ACCESS+=$'\npricing:\n  gpt-4o-mini-2024-07-18: {input: 0.15, output: 0.60}\n  gpt-4o-2024-08-06: {input: 2.5, output: 10}'
    PROVIDER_BUDGET="    budget: {usd: 1000000, period: month}" ;;
  *) echo "load.sh: CLIENT_KEY=$CLIENT_KEY (expected: 0, 1 or budget)" >&2; exit 2 ;;
esac
cat > "$WORK/config.yaml" <<EOF
$GATEWAY_ACCESS
server:
  host: 127.0.0.1
  port: $GATEWAY_PORT
$GATEWAY_TLS
api_provider:
  json:
    base_url: $PROVIDER_URL/json/v1
$PROVIDER_TLS
    api_key: sk-bench-upstream
    limits: {rpm: 100000000, tpm: 100000000000, rpd: 1000000000, tpr: 100000}
$PROVIDER_BUDGET
  sse:
    base_url: $PROVIDER_URL/sse/v1
$PROVIDER_TLS
    api_key: sk-bench-upstream
    limits: {rpm: 100000000, tpm: 100000000000, rpd: 1000000000, tpr: 100000}
$PROVIDER_BUDGET
  paced:
    base_url: http://127.0.0.1:$PACED_PORT/v1
    api_key: sk-bench-upstream
model_config:
  gpt-4o-mini:
    json: {alias: gpt-4o-mini-2024-07-18}
  gpt-4o-cached:
    cache: true
    json: {alias: gpt-4o-mini-2024-07-18}
  gpt-4o:
    sse: {alias: gpt-4o-2024-08-06}
  gpt-4o-paced:
    paced: {alias: gpt-4o}
EOF
start_gateway() { # name config port: starts the jar, sets STARTED_PID once /healthz answers
  # shellcheck disable=SC2086
  java $GATEWAY_OPTS -jar "$GATEWAY_JAR" --config "$2" > "$WORK/$1.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  until curl -fsS -o /dev/null "http://127.0.0.1:$3/healthz" 2>/dev/null; do
    kill -0 "$STARTED_PID" 2>/dev/null || { cat "$WORK/$1.log" >&2; echo "load.sh: the $1 did not start" >&2; exit 1; }
    sleep 0.02
  done
}
start_ns=$(date +%s%N)
start_gateway gateway "$WORK/config.yaml" "$GATEWAY_PORT"
GW_PID=$STARTED_PID
startup_ms=$(( ($(date +%s%N) - start_ns) / 1000000 ))
TRACED_PID=""
if [ "$TRACING" = 1 ]; then
  sed "s/^  port: $GATEWAY_PORT\$/  port: $TRACED_PORT/" "$WORK/config.yaml" > "$WORK/config-traced.yaml"
  printf 'tracing:\n  otlp_endpoint: http://127.0.0.1:%s\n  sample_ratio: 1.0\n' "$SINK_PORT" >> "$WORK/config-traced.yaml"
  start_gateway traced-gateway "$WORK/config-traced.yaml" "$TRACED_PORT"
  TRACED_PID=$STARTED_PID
  log "traced gateway up: every span to the sink at 127.0.0.1:$SINK_PORT"
fi
ready_ms=$(grep -o 'ready in [0-9]* ms' "$WORK/gateway.log" | grep -o '[0-9]*' || echo "?")
log "gateway up after ${startup_ms} ms (it reports: ready in ${ready_ms} ms); $(grep -o '[a-z_]* transport' "$WORK/gateway.log" || true); CLIENT_KEY=$CLIENT_KEY"

# ---- helpers --------------------------------------------------------------------------------------------
url() { # target kind
  local path=$2
  [ "$path" = cache ] && path=json   # the references answer the cache kind like the json one
  case $1 in
    direct) echo "http://127.0.0.1:$MOCK_PORT/$path/v1/chat/completions" ;;
    nginx) echo "$SCHEME://127.0.0.1:$NGINX_PORT/$path/v1/chat/completions" ;;
    netty) echo "http://127.0.0.1:$NETTY_PORT/$path/v1/chat/completions" ;;
    gateway)
      local base="http://127.0.0.1:$GATEWAY_PORT"
      [ "$TLS" = 1 ] && base="https://127.0.0.1:$GATEWAY_TLS_PORT"
      case $2 in
        messages*) echo "$base/v1/messages" ;;
        *) echo "$base/v1/chat/completions" ;;
      esac ;;
    traced)
      case $2 in
        messages*) echo "http://127.0.0.1:$TRACED_PORT/v1/messages" ;;
        *) echo "http://127.0.0.1:$TRACED_PORT/v1/chat/completions" ;;
      esac ;;
  esac
}
runs_on() { # target kind: whether the target takes this kind (only the gateway translates)
  [[ $2 != messages* || $1 == gateway || $1 == traced ]]
}
curl_tls=()
[ "$TLS" = 1 ] && curl_tls=(--cacert "$WORK/tls.crt")
for t in direct nginx ${NETTY_PID:+netty} gateway ${TRACED_PID:+traced}; do
  curl -fsS -o /dev/null -X POST -H 'Authorization: Bearer sk-client-key' --data-binary @"$WORK/req-json.json" \
      "${curl_tls[@]}" "$(url "$t" json)"
done
cpu_ticks() { # pid...: user+system clock ticks of these processes
  local t=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat")))
  done
  echo "$t"
}
machine_ticks() { # all, idle and user-mode clock ticks of the whole machine (every core) since boot
  awk '/^cpu / { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9, $5 + $6, $2 + $3 }' /proc/stat
}
pids_of() { # target
  case $1 in
    gateway) echo "$GW_PID" ;;
    traced) echo "$TRACED_PID" ;;
    netty) echo "$NETTY_PID" ;;
    nginx) pgrep -P "$(cat "$WORK/proxy.pid")" | tr '\n' ' ' ;;
    direct) pgrep -P "$(cat "$WORK/mock.pid")" | tr '\n' ' ' ;;
  esac
}
pin() { # cpu-list target: moves the target's processes (every thread) and the mock's workers to those cores
  local pid
  for pid in $(pids_of "$2") $(pids_of direct); do taskset -a -p -c "$1" "$pid" > /dev/null; done
}
ALL_CPUS=0-$(( $(nproc) - 1 ))
run_wrk() { # target kind conns seconds; conns "<n>pin" runs n connections with everything on core PIN_CPU
  local conns=${3%pin} on=()
  [ "$conns" != "$3" ] && on=(taskset -c "$PIN_CPU") && pin "$PIN_CPU" "$1"
  local threads=$(( conns < 2 ? 1 : 2 ))
  BENCH_BODY_FILE="$WORK/req-$2.json" "${on[@]}" wrk -t "$threads" -c "$conns" -d "${4}s" --timeout 10s \
      -s bench/load/wrk-post.lua "$(url "$1" "$2")" 2>&1 | grep '^RESULT' || echo "RESULT requests=0 errors=1"
  [ ${#on[@]} -gt 0 ] && pin "$ALL_CPUS" "$1"
  return 0
}
run_probe() { # target kind pause-ms: one SequentialProbe line; a probe that fails counts as a failure
  local u rest
  u=$(url "$1" "$2"); rest=${u#http://127.0.0.1:}
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx128m -cp "$BENCH_JAR" io.llmgateway.bench.load.SequentialProbe \
      --port "${rest%%/*}" --path "/${rest#*/}" --body-file "$WORK/req-$2.json" --seconds "$PROBE_SECONDS" \
      --pause-ms "$3" --kind "$2" --target "$1" \
      || echo "probe kind=$2 target=$1 requests=0 failures=1 pause_ms=$3"
}

# ---- warm-up --------------------------------------------------------------------------------------------
for kind in $KINDS; do
  log "warm-up: $kind, ${WARMUP} s on the gateway and on the netty reference (JIT)"
  run_wrk gateway "$kind" 64 "$WARMUP" > /dev/null
  [ -z "$TRACED_PID" ] || run_wrk traced "$kind" 64 "$WARMUP" > /dev/null
  runs_on netty "$kind" || continue
  [ -n "$NETTY_PID" ] && run_wrk netty "$kind" 64 "$WARMUP" > /dev/null
  for t in direct nginx; do run_wrk "$t" "$kind" 64 1 > /dev/null; done
done

# ---- measured rounds ------------------------------------------------------------------------------------
RESULTS=$WORK/results.txt
: > "$RESULTS"
echo "$BUILD_LINE" >> "$RESULTS"
echo "tls=$TLS upstream_tls=$UPSTREAM_TLS upstream_h2=$UPSTREAM_H2 clk_tck=$(getconf CLK_TCK) startup_ms=$startup_ms ready_ms=$ready_ms cores=$(nproc) load_before=$(cut -d' ' -f1 /proc/loadavg)" >> "$RESULTS"
read -r -a targets <<< "$TARGETS"
# The targets in the order of round $1: rotated, so that no target always runs first (or right after the GC of
# the gateway).
in_turn() {
  local n=${#targets[@]} i
  for i in $(seq 0 $((n - 1))); do echo "${targets[$(( (i + $1 - 1) % n ))]}"; done
}
for round in $(seq 1 "$ROUNDS"); do
  for kind in $KINDS; do
    for conns in $CONNS; do
      for t in $(in_turn "$round"); do
        runs_on "$t" "$kind" || continue
        # The target's CPU, the mock's, and the machine's (wrk and everything else is the rest): at c=64 the
        # cores are always busy, so req/s is set by what the whole machine spends per request.
        read -r m0 i0 u0 <<< "$(machine_ticks)"
        # shellcheck disable=SC2046
        mock0=$(cpu_ticks $(pids_of direct))
        # shellcheck disable=SC2046
        before=$(cpu_ticks $(pids_of "$t"))
        res=$(run_wrk "$t" "$kind" "$conns" "$DURATION")
        # shellcheck disable=SC2046
        after=$(cpu_ticks $(pids_of "$t"))
        # shellcheck disable=SC2046
        mock1=$(cpu_ticks $(pids_of direct))
        read -r m1 i1 u1 <<< "$(machine_ticks)"
        echo "run round=$round kind=$kind conns=$conns target=$t cpu_ticks=$((after - before))" \
            "mock_ticks=$((mock1 - mock0)) machine_ticks=$((m1 - m0)) idle_ticks=$((i1 - i0)) user_ticks=$((u1 - u0)) ${res#RESULT }" >> "$RESULTS"
        log "round $round $kind c=$conns $t: ${res#RESULT }"
      done
    done
  done
done
echo "gateway_vmhwm_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$GW_PID/status") load_after=$(cut -d' ' -f1 /proc/loadavg)" >> "$RESULTS"
if [ -n "$TRACED_PID" ]; then
  spans=$(curl -fsS "http://127.0.0.1:$TRACED_PORT/metrics" | awk '
    /^llm_gateway_trace_spans_exported_total / { e = $2 }
    /^llm_gateway_trace_spans_dropped_total/ { d += $2 }
    END { printf "tracing_spans_exported=%d tracing_spans_dropped=%d", e, d }')
  echo "$spans" >> "$RESULTS"
  log "traced gateway: $spans"
fi
heap=$(jcmd "$GW_PID" GC.heap_info 2>/dev/null | grep -Eo 'total [0-9]+K, used [0-9]+K' | head -1 || true)
echo "gateway_heap=\"${heap:-unknown}\" gateway_opts=\"$GATEWAY_OPTS\"" >> "$RESULTS"

# ---- one connection, latencies as measured --------------------------------------------------------------
# wrk corrects its latencies for coordinated omission: at c=1 one 2 ms pause becomes ~20 samples, so its p99
# measures the share of the run spent in pauses. SequentialProbe reports what each request took.
if [ "$PROBE" = 1 ]; then
  pauses=0
  [ "$IDLE_PAUSE_MS" -gt 0 ] && pauses="0 $IDLE_PAUSE_MS"
  for pause in $pauses; do
    for round in $(seq 1 "$ROUNDS"); do
      for kind in $KINDS; do
        for t in $(in_turn "$round"); do
          runs_on "$t" "$kind" || continue
          line=$(run_probe "$t" "$kind" "$pause")
          echo "$line round=$round" >> "$RESULTS"
          log "round $round $kind c=1 probe $t (pause $pause ms): ${line#probe }"
        done
      done
    done
  done
fi

# ---- paced SSE ------------------------------------------------------------------------------------------
if [ "$PACED" = 1 ]; then
  log "paced SSE: $PACED_CHUNKS events ${PACED_INTERVAL_MS} ms apart, $PACED_CONCURRENCY streams at a time"
  java -Xmx256m -cp "$BENCH_JAR" io.llmgateway.bench.load.PacedProbe --direct-port "$PACED_PORT" \
      --gateway-port "$GATEWAY_PORT" --model gpt-4o-paced --concurrency "$PACED_CONCURRENCY" \
      --seconds "$PACED_SECONDS" --rounds "$ROUNDS" --chunks "$PACED_CHUNKS" --messages "$PACED_MESSAGES" >> "$RESULTS"
fi

# shellcheck source=load/h2.sh
[ "$H2" = 1 ] && . bench/load/h2.sh

java -cp "$BENCH_JAR" io.llmgateway.bench.load.LoadReport "$RESULTS"
[ "$H2" = 1 ] && h2_table
exit 0
