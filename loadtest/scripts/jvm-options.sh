#!/usr/bin/env bash
# A/B of the balancer's JVM options, for the README's "Memory" section: for each set of options, in turns, a fresh
# balancer started by bin/load-balancer with LB_JVM_OPTIONS, its RSS at rest, 15 s of warm-up and 10 s measured under
# wrk -t2 -c64 (requests/s, the JVM's CPU per request, its RSS at the peak over both), then a fresh one for a 1 GiB
# download and a 200 MiB upload with curl (its RSS growth over just before). Replicas: 3 blob servers of this jar.
#
#   loadtest/scripts/jvm-options.sh [ROUNDS] OPTIONS...   ("" for the JVM's own defaults, as a bare java -jar)
#   loadtest/scripts/jvm-options.sh 2 "" "-Xmx128m -Xms16m -Xmn16m -XX:+UseParallelGC" "-Xmx128m -XX:+UseSerialGC"
#
# Needs wrk and curl; traffic goes to 127.0.0.1 only; every balancer (and so its replicas) is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=$1
shift
jar=$(realpath verticles/target/load-balancer.jar)
work=$(mktemp -d)
lb=
stop() { if [ -n "$lb" ]; then kill "$lb" 2>/dev/null || true; wait "$lb" 2>/dev/null || true; lb=; fi; }
cleanup() { stop; rm -rf "$work"; }
trap cleanup EXIT
head -c $((200 << 20)) /dev/urandom > "$work/upload.bin"

start() { # $1: the options
  port=$((20000 + RANDOM % 20000))
  LB_JVM_OPTIONS="$1" LB_JAR=$jar LB_PORT=$port LB_ADMIN_PORT=$((port + 1)) LB_HOST=127.0.0.1 \
    LB_HEALTH_PATH=/heartbeat LB_REWRITE_404=false \
    LB_REPLICA_COMMAND="java -Xmx64m -cp $jar dev.lb.server.BlobServer --port {port}" \
    bin/load-balancer > "$work/lb.log" 2>&1 &
  lb=$!
  for _ in $(seq 1 120); do
    [ "$(curl -s "127.0.0.1:$port/rep" | grep -o '"N":[0-9]*')" = '"N":3' ] && break
    sleep 0.5
  done
  sleep 3
}
rss() { awk '/VmRSS/ { print int($2 / 1024) }' "/proc/$lb/status"; }
cpu() { awk '{ print $14 + $15 }' "/proc/$lb/stat"; }
# the most RSS while $work/sampling exists, into $work/peak
sample() { local p=0 r; while [ -e "$work/sampling" ]; do r=$(rss); [ "$r" -gt "$p" ] && p=$r && echo "$p" > "$work/peak"; sleep 0.1; done; }
ticks=$(getconf CLK_TCK)

for round in $(seq 1 "$rounds"); do
  for options in "$@"; do
    start "$options"
    rest=$(rss)
    touch "$work/sampling"; sample & sampler=$!
    wrk -t2 -c64 -d15s "http://127.0.0.1:$port/heartbeat" > /dev/null
    c0=$(cpu)
    wrk -t2 -c64 -d10s "http://127.0.0.1:$port/heartbeat" > "$work/wrk.out"
    c1=$(cpu)
    rm "$work/sampling"; wait "$sampler"
    peak=$(cat "$work/peak")
    requests=$(awk '/requests in/ { print $1 }' "$work/wrk.out")
    rps=$(awk '/Requests\/sec/ { print int($2) }' "$work/wrk.out")
    us=$(awk -v t=$((c1 - c0)) -v n="$requests" -v hz="$ticks" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')
    stop
    start "$options"
    before=$(rss)
    echo 0 > "$work/peak"; touch "$work/sampling"; sample & sampler=$!
    down=$(curl -s -o /dev/null -w '%{speed_download}' "127.0.0.1:$port/blob?bytes=$((1 << 30))")
    up=$(curl -s -o /dev/null -X POST -H Expect: -H 'Content-Type: application/octet-stream' -T "$work/upload.bin" \
      -w '%{speed_upload}' "127.0.0.1:$port/sink")
    rm "$work/sampling"; wait "$sampler"
    grown=$(( $(cat "$work/peak") - before ))
    stop
    printf 'round %d [%s]: rest %d MiB, peak under load %d MiB, %d req/s, %s us CPU/req; transfers +%d MiB, %d MiB/s down, %d MiB/s up\n' \
      "$round" "$options" "$rest" "$peak" "$rps" "$us" "$grown" $(( ${down%.*} >> 20 )) $(( ${up%.*} >> 20 ))
  done
done
