#!/bin/bash
# The relay's throughput, latency and CPU per request (single events) and per event (v2 batches of
# 100), with Customer.io played by `./cio simulator` in another JVM. A long warm-up first: on a
# 2-core machine the relay keeps getting faster for over a minute.
# Usage: bench/relay-cpu.sh TREE LABEL   (TREE: a built checkout, so two can be compared back to back)
set -u
t=${1:?usage: bench/relay-cpu.sh TREE LABEL}; label=${2:-relay}
cd $t
pkill -f "Cio simulator --port 18090"; pkill -f "Cio relay --port 18081"; sleep 1
./cio simulator --port 18090 --rate-limit 100 > /tmp/rb-sim.log 2>&1 &
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18090/ && break; sleep 1; done
rm -rf /tmp/rb-relay
CIO_SITE_ID=sim-site-id CIO_API_KEY=sim-api-key ./cio relay --port 18081 --data /tmp/rb-relay --target http://127.0.0.1:18090 > /tmp/rb-relay.log 2>&1 &
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18081/health/live && break; sleep 1; done
rp=$(pgrep -f "Cio relay --port 18081" | head -1)
echo "== $label $(git -C $t rev-parse --short HEAD) load $(cat /proc/loadavg)"
for w in 1 2 3 4 5 6; do wrk -t2 -c64 -d15s -s bench/wrk/single-event.lua http://127.0.0.1:18081 > /dev/null; done
for w in 1 2; do wrk -t2 -c16 -d15s -s bench/wrk/batch.lua http://127.0.0.1:18081 > /dev/null; done
run() { # script conns per
  c0=$(awk '{print $14+$15}' /proc/$rp/stat)
  out=$(wrk -t2 -c$2 -d20s --latency -s bench/wrk/$1.lua http://127.0.0.1:18081 | tail -1)
  c1=$(awk '{print $14+$15}' /proc/$rp/stat)
  n=$(echo "$out" | sed 's/.*requests=\([0-9]*\).*/\1/')
  echo "$out relay_cpu_s=$(( (c1-c0) / 100 )) relay_cpu_us_per_event=$(( (c1-c0) * 10000 / (n * $3) ))"
}
for r in 1 2 3; do run single-event 64 1; done
for r in 1 2; do run batch 16 100; done
pkill -f "Cio relay --port 18081"; pkill -f "Cio simulator --port 18090"
for i in $(seq 1 40); do pgrep -f "Cio relay --port 18081" >/dev/null || break; sleep 1; done
