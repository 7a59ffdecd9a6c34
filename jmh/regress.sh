#!/usr/bin/env bash
# The regression harness: smolscale / reference-peer ratios of this run against jmh/baseline.json.
# Exits 1 when a ratio is worse than the baseline by more than the tolerance (default 200%: the ratio tripled).
#
#   ./jmh/regress.sh                     check against jmh/baseline.json
#   ./jmh/regress.sh --tolerance 0.5     a tighter check (longer runs, quiet machine)
#   ./jmh/regress.sh --update-baseline   measure and rewrite jmh/baseline.json
#   ./jmh/regress.sh --selftest          prove that a planted slowdown
#                                        (-Dsmolscale.debug.workerDelayNanos) is detected
#   ./jmh/regress.sh --no-build ...      reuse jmh/target/benchmarks.jar
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
exec "$java" -cp "$here/target/benchmarks.jar" io.smolscale.jmh.report.Regression \
  --baseline "$here/baseline.json" ${args[@]+"${args[@]}"}
