#!/usr/bin/env bash
# A quick side-by-side of one balancer variant and HAProxy on the same 3 replicas, in one run: what the README's
# "what each change measured" table was made with (`loadtest bench` is the whole, slower comparison).
#
#   loadtest/scripts/ab.sh JAR [NAME=value ...]      e.g. loadtest/scripts/ab.sh verticles/target/load-balancer.jar LB_TRANSPORT=nio
#   ROUNDS=3 DUR=8 WARM=15 loadtest/scripts/ab.sh ...
#
# Prints, per round: the balancer's and HAProxy's requests/s (wrk -t2 -c64, GET /home?id=<random 6 digits>), p99,
# and each one's own CPU µs per request (/proc utime + stime). Needs wrk and haproxy; 127.0.0.1 only; stops all.
set -euo pipefail
jar=$(realpath "$1"); shift
work=$(mktemp -d)
lb_port=18000; hap_port=18001
cleanup() { [ -n "${hap:-}" ] && kill "$hap" 2>/dev/null; [ -n "${lb:-}" ] && kill "$lb" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/rand.lua" <<'LUA'
math.randomseed(os.time())
request = function() return wrk.format("GET", "/home?id=" .. math.random(100000, 999999)) end
LUA
env "$@" LB_PORT=$lb_port LB_HOST=127.0.0.1 LB_ADMIN_PORT=0 java ${JAVA_OPTS:-} -jar "$jar" > "$work/lb.log" 2>&1 &
lb=$!
for _ in $(seq 1 120); do curl -sf localhost:$lb_port/rep > /dev/null && break; sleep 0.5; done
ports=$(for p in $(pgrep -P $lb); do tr '\0' ' ' < /proc/$p/cmdline | grep -o -- "--port [0-9]*" | cut -d' ' -f2; done)
set -- $ports
cat > "$work/haproxy.cfg" <<HAP
global
  nbthread 2
  maxconn 4096
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$hap_port
  default_backend be
backend be
  balance uri whole
  hash-type consistent
  server s1 127.0.0.1:$1
  server s2 127.0.0.1:$2
  server s3 127.0.0.1:$3
HAP
haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
hap=$!
sleep 1
wrk -t2 -c64 -d"${WARM:-20}"s -s "$work/rand.lua" http://127.0.0.1:$lb_port/home > /dev/null
wrk -t2 -c64 -d5s -s "$work/rand.lua" http://127.0.0.1:$hap_port/home > /dev/null
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
hz=$(getconf CLK_TCK)
for round in $(seq 1 "${ROUNDS:-3}"); do
  for target in balancer:$lb_port:$lb haproxy:$hap_port:$hap; do
    IFS=: read -r name port pid <<< "$target"
    before=$(ticks "$pid")
    out=$(wrk -t2 -c64 -d"${DUR:-10}"s --latency -s "$work/rand.lua" http://127.0.0.1:"$port"/home)
    after=$(ticks "$pid")
    rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
    p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
    requests=$(awk '/requests in/ {print $1}' <<< "$out")
    cpu=$(awk -v t=$((after - before)) -v r="$requests" -v hz="$hz" 'BEGIN { printf "%.2f", t * 1e6 / hz / r }')
    echo "$round $name rps=$rps p99=$p99 cpu_us_per_req=$cpu"
  done
done
