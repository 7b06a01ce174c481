#!/bin/bash
# Before/after delivery, append, track() and relay measurements on an otherwise idle machine: two checkouts, each built (./cio and cio-bench/target/benchmarks.jar).
# Usage: bench/idle-bench.sh AFTER_TREE BEFORE_TREE
set -u
after=${1:?usage: bench/idle-bench.sh AFTER_TREE BEFORE_TREE}
before=${2:?usage: bench/idle-bench.sh AFTER_TREE BEFORE_TREE}
out=${TMPDIR:-/tmp}/idle-bench.out
exec > >(tee $out) 2>&1
echo "== start $(date -u) load $(cat /proc/loadavg)"
cd $after
pkill -f "Cio simulator --port 18090" ; sleep 1
./cio simulator --port 18090 --rate-limit 100 > /tmp/idle-sim.log 2>&1 &
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18090/ && break; sleep 1; done
simpid=$(pgrep -f "Cio simulator --port 18090" | head -1)
for round in 1 2; do
  for t in $before $after; do
    s0=$(awk '{print $14+$15}' /proc/$simpid/stat)
    echo "== delivery round $round $t"
    (cd $t && ./cio bench delivery --target http://127.0.0.1:18090 --events 600000 --baseline-events 200 2>&1 | tail -14)
    s1=$(awk '{print $14+$15}' /proc/$simpid/stat)
    echo "simulator CPU ticks during run: $((s1-s0)) (1 tick = 10 ms)"
  done
done
echo "== load $(cat /proc/loadavg)"
for t in $before $after; do
  echo "== JMH appends SYNC $t"
  (cd $t && java -jar cio-bench/target/benchmarks.jar OutboxAppendBenchmark -p durability=SYNC -wi 2 -i 3 -f 1 2>&1 | grep -E "^Benchmark|OutboxAppend" | tail -2)
  echo "== JMH track latency $t"
  (cd $t && java -jar cio-bench/target/benchmarks.jar "TrackBenchmark.trackLatency" -wi 2 -i 3 -f 1 2>&1 | grep -E "^TrackBenchmark.trackLatency(:p0.50|:p0.99 |:p0.99$| )" | head -4)
done
echo "== relay single-event, receiver in another process"
cd $after
pkill -f "Cio relay --port 18081"; rm -rf /tmp/idle-relay
CIO_SITE_ID=sim-site-id CIO_API_KEY=sim-api-key ./cio relay --port 18081 --data /tmp/idle-relay --target http://127.0.0.1:18090 > /tmp/idle-relay.log 2>&1 &
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18081/health/live && break; sleep 1; done
wrk -t2 -c64 -d10s -s bench/wrk/single-event.lua http://127.0.0.1:18081 > /dev/null
wrk -t2 -c64 -d15s --latency -s bench/wrk/single-event.lua http://127.0.0.1:18081 | tail -3
wrk -t2 -c64 -d15s --latency -s bench/wrk/single-event.lua http://127.0.0.1:18081 | tail -3
wrk -t2 -c16 -d15s --latency -s bench/wrk/batch.lua http://127.0.0.1:18081 | tail -3
pkill -f "Cio relay --port 18081"; pkill -f "Cio simulator --port 18090"
echo "== end $(date -u)"
