#!/bin/bash
# Relay on its defaults (built-in simulator), v2 batches from wrk for N seconds; RSS and live heap every 30 s.
cd "$(dirname "$0")/.."
mkdir -p /tmp/memrun && rm -rf /tmp/memrun/data
./cio relay --port 18181 --data /tmp/memrun/data > /tmp/memrun/relay.log 2>&1 &
rp=$!
for i in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18181/health/live && break; sleep 1; done
pid=$(pgrep -f "Cio relay --port 18181" | head -1)
secs=${1:-600}
wrk -t2 -c16 -d${secs}s -s bench/wrk/batch.lua http://127.0.0.1:18181 > /tmp/memrun/wrk.txt 2>&1 &
wp=$!
start=$(date +%s)
echo "t_s rss_mb live_heap_mb accepted"
while kill -0 $wp 2>/dev/null; do
  sleep 30
  t=$(( $(date +%s) - start ))
  rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status)
  jcmd $pid GC.run >/dev/null 2>&1
  heap=$(jcmd $pid GC.heap_info 2>/dev/null | grep -oE "used [0-9]+K" | head -1 | grep -oE "[0-9]+")
  acc=$(curl -s http://127.0.0.1:18181/metrics | grep -E '^cio_operations_accepted_total' | awk '{s+=$2} END {printf "%d", s}')
  echo "$t $rss $((heap/1024)) $acc"
done
cat /tmp/memrun/wrk.txt | tail -3
kill $rp
