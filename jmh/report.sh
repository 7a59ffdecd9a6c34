#!/usr/bin/env bash
# The comparison report in one command: builds the benchmarks jar, runs every benchmark on every
# executor, validates each result, and writes jmh/report/{report.md,relative.png,cpu.png,
# results.json,logs/}. Prints the summary table at the end.
#
#   ./jmh/report.sh             default length (~13-15 min on 2 cores)
#   ./jmh/report.sh --long      precise (2 forks x 8 x 1 s per pair, ~1.5 h on 2 cores)
#   ./jmh/report.sh --smoke     every pair once, briefly (what `mvn verify` runs)
#   ./jmh/report.sh --benchmarks ping_pong,fanout --executors smolscale,fjpAsync
#   ./jmh/report.sh --no-build ...   reuse jmh/target/benchmarks.jar
# JAVA_HOME selects the JDK (the forks run on the same one).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
build=1
args=()
for a in "$@"; do
  if [[ "$a" == "--no-build" ]]; then build=0; else args+=("$a"); fi
done
if [[ $build == 1 ]]; then
  echo "Building jmh/target/benchmarks.jar ..."
  (cd "$root" && ./mvnw -B -ntp -q -pl jmh -am package -Dmaven.test.skip=true)
fi
exec "$java" -cp "$here/target/benchmarks.jar" io.smolscale.jmh.report.Report \
  --out "$here/report" ${args[@]+"${args[@]}"}
