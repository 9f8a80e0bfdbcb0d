# The HTTP/2 case of load.sh (H2=1), sourced by it after the HTTP/1.1 rounds: h2load against the gateway and
# against nginx `http2` (nginx-h2.conf.in), both proxying to the same mock over HTTP/1.1. Plain: h2c with prior
# knowledge on the gateway's plain port; TLS=1: h2 by ALPN on its TLS port (nginx `listen ssl http2`).
# H2_CLIENTS connections with H2_STREAMS concurrent streams each, DURATION seconds per run, ROUNDS rounds in
# rotating order, after one WARMUP run on the gateway. Lines "h2 round=... target=... req_s=... cpu_ticks=..." go
# to the results file (cpu_ticks: the target's processes, mock_ticks: the mock's, over the run); a table of medians
# follows the report, with the target's CPU per request (steadier than req/s on a shared machine).

fill bench/load/nginx-h2.conf.in "$WORK/h2.conf" "$H2_NGINX_PORT"
"$NGINX" -p "$WORK" -c "$WORK/h2.conf" -g 'daemon on;'

h2_pids() { # target: the processes whose CPU the run charges to it
  case $1 in
    nginx) pgrep -P "$(cat "$WORK/h2.pid")" | tr '\n' ' ' ;;
    gateway) echo "$GW_PID" ;;
  esac
}
h2_url() { # target kind
  local scheme=http port=$GATEWAY_PORT
  [ "$TLS" = 1 ] && scheme=https && port=$GATEWAY_TLS_PORT
  case $1 in
    nginx) echo "$scheme://127.0.0.1:$H2_NGINX_PORT/$2/v1/chat/completions" ;;
    gateway) echo "$scheme://127.0.0.1:$port/v1/chat/completions" ;;
  esac
}
run_h2load() { # target kind seconds: one "h2 ..." field list (without the prefix)
  local out
  out=$(h2load -c "$H2_CLIENTS" -m "$H2_STREAMS" -t 2 -D "$3" -d "$WORK/req-$2.json" \
      -H 'content-type: application/json' -H 'authorization: Bearer sk-client-key' "$(h2_url "$1" "$2")" 2>&1 || true)
  awk '
    /^finished in/ { rps = $4 }
    /^requests:/ { ok = $8; failed = $10; errored = $12 }
    /^time for request:/ { mean = $6 }
    /^Application protocol:/ { proto = $3 }
    END { printf "req_s=%s succeeded=%s failed=%s errored=%s mean=%s protocol=%s\n",
          rps == "" ? 0 : rps, ok == "" ? 0 : ok, failed == "" ? "?" : failed, errored == "" ? "?" : errored,
          mean == "" ? "?" : mean, proto == "" ? "?" : proto }' <<< "$out"
}

# The gateway's answer to h2 proves the case runs what it says (a preface that fell through to HTTP/1.1 fails).
for t in nginx gateway; do
  curl -fsS -o /dev/null -X POST -H 'Authorization: Bearer sk-client-key' --data-binary @"$WORK/req-json.json" \
      "${curl_tls[@]}" $([ "$TLS" = 1 ] && echo --http2 || echo --http2-prior-knowledge) "$(h2_url "$t" json)"
done
for kind in $H2_KINDS; do
  log "h2 warm-up: $kind, ${WARMUP} s on the gateway"
  run_h2load gateway "$kind" "$WARMUP" > /dev/null
done
for round in $(seq 1 "$ROUNDS"); do
  for kind in $H2_KINDS; do
    order="nginx gateway"
    [ $((round % 2)) = 0 ] && order="gateway nginx"
    for t in $order; do
      # shellcheck disable=SC2046
      before=$(cpu_ticks $(h2_pids "$t")); mock0=$(cpu_ticks $(pids_of direct))
      res=$(run_h2load "$t" "$kind" "$DURATION")
      # shellcheck disable=SC2046
      after=$(cpu_ticks $(h2_pids "$t")); mock1=$(cpu_ticks $(pids_of direct))
      res="$res cpu_ticks=$((after - before)) mock_ticks=$((mock1 - mock0))"
      echo "h2 round=$round kind=$kind clients=$H2_CLIENTS streams=$H2_STREAMS tls=$TLS target=$t $res" >> "$RESULTS"
      log "h2 round $round $kind ${H2_CLIENTS}x${H2_STREAMS} $t: $res"
    done
  done
done

h2_table() {
  echo
  echo "HTTP/2 (h2load, $H2_CLIENTS connections x $H2_STREAMS streams, $([ "$TLS" = 1 ] && echo "h2 over TLS" || echo "h2c")): median req/s over $ROUNDS rounds"
  awk -v tck="$(getconf CLK_TCK)" '
    $1 == "h2" {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      key = f["kind"]; v[key, f["target"], ++n[key, f["target"]]] = f["req_s"] + 0; kinds[key] = 1
      c[key, f["target"], n[key, f["target"]]] = f["succeeded"] > 0 ? f["cpu_ticks"] * 1e6 / tck / f["succeeded"] : 0
      if (f["failed"] + 0 > 0 || f["errored"] + 0 > 0) bad[key, f["target"]] += f["failed"] + f["errored"]
    }
    function median(k, t, cpu,   m, i, j, a, tmp) {
      m = n[k, t]; if (m == 0) return 0
      for (i = 1; i <= m; i++) a[i] = cpu ? c[k, t, i] : v[k, t, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { tmp = a[i]; a[i] = a[j]; a[j] = tmp }
      return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
    }
    END {
      printf "%-6s %12s %12s %8s %14s %14s %s\n", "kind", "nginx", "gateway", "ratio", "nginx us/req",
          "gateway us/req", "failures"
      for (k in kinds) {
        g = median(k, "gateway", 0); x = median(k, "nginx", 0)
        printf "%-6s %12.0f %12.0f %8.2f %14.1f %14.1f %s\n", k, x, g, (x > 0 ? g / x : 0),
            median(k, "nginx", 1), median(k, "gateway", 1),
            "nginx=" (bad[k, "nginx"] + 0) " gateway=" (bad[k, "gateway"] + 0)
      }
    }' "$RESULTS"
}
