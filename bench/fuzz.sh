#!/usr/bin/env bash
# Fuzzes one target for as long as asked, then prints how many inputs ran and how fast.
#
#   bench/fuzz.sh TARGET SECONDS [RUNS]
#
# It stops after SECONDS, or after RUNS inputs when RUNS is given, whichever comes first.
# TARGET is Class#method, one of:
#   OperationFuzzTest#fromJson            (cio-client)
#   RelayFuzzTest#trackV1 | #v2Entity | #v2Batch   (cio-server, over HTTP to an in-process relay)
#   WebhookReceiverFuzzTest#receive       (cio-server, over HTTP)
#   ImportRowFuzzTest#ndjsonRow | #csvRows (cio-server)
#   RelayConfigLoaderFuzzTest#load        (cio-server)
#
# Jazzer's fuzzing mode (JAZZER_FUZZ=1) runs one @FuzzTest per JVM. New interesting inputs go to
# <module>/.cifuzz-corpus/<class>/<method>/ (not committed); an input that breaks the property is
# written to the test's src/test/resources/.../<Class>Inputs/<method>/ directory, where it becomes
# part of the regression corpus that `./mvnw verify` runs. The duration is passed to libFuzzer as
# -max_total_time through jazzer-junit's jazzer.internal.arg.N parameters (arg.0 is libFuzzer's
# argv[0]); it overrides the @FuzzTest maxDuration, which jazzer-junit 0.24 reads from the
# annotation only.
set -euo pipefail
target=${1:?usage: bench/fuzz.sh Class#method SECONDS [RUNS]}
seconds=${2:?usage: bench/fuzz.sh Class#method SECONDS [RUNS]}
runs=${3:--1}
cd "$(dirname "$0")/.."
class=${target%%#*}
case "$class" in
  OperationFuzzTest) module=cio-client ;;
  RelayFuzzTest|WebhookReceiverFuzzTest|ImportRowFuzzTest|RelayConfigLoaderFuzzTest) module=cio-server ;;
  *) echo "unknown fuzz target class: $class" >&2; exit 2 ;;
esac
status=0
JAZZER_FUZZ=1 ./mvnw -q -B -o -pl "$module" -am test \
  -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  -Djazzer.internal.arg.2=-print_final_stats=1 -Djazzer.internal.arg.3=-runs="$runs" || status=$?
out=$(ls "$module"/target/surefire-reports/*"$class"-output.txt 2>/dev/null | head -1 || true)
if [ -n "$out" ]; then
  grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^Done [0-9]+ runs|==.*(Finding|crash)|DEDUP_TOKEN" "$out" | tail -8 || true
fi
exit $status
