#!/usr/bin/env bash
# Stress tool for developers (not called by .ci/run: a full run takes about an hour): runs the impl
# unit tests N times in a row while stress-ng keeps every core busy, on JDK 17 and/or JDK 25, and
# counts the failing runs per JDK. A test that waits on a timing window instead of an event fails
# here long before it fails one CI run in twenty.
#
# Usage: .ci/stress-tests.sh [--runs N] [--jdk 17|25|both] [--test PATTERN] [--no-build] [--load N]
#   --runs N        runs per JDK (default 20)
#   --jdk WHICH     17 (the default java), 25 ($JDK25_HOME), or both (default)
#   --test PATTERN  only these test classes/methods (surefire's -Dtest syntax), e.g. 'SchedulerTest'
#   --no-build      reuse the previous build of this script (its target dirs) instead of rebuilding
#   --load N        stress-ng CPU workers (default: the number of cores)
#
# Per JDK it builds api and impl once (clean package, tests compiled but not run) into a target
# dir of its own (-Dsmolscale.target=target-stress-<jdk>, so that it clobbers nobody's build and
# every run tests the same classes), then runs `jar:jar surefire:test` offline N times (jar:jar
# so that impl's tests see this build's api jar, not the one in ~/.m2). Results go to
# target/stress-tests/<time>/: a summary, the build logs, and for each failing run its Maven log
# and surefire reports (jdk<N>/run-<k>/). Exit status: 0 if every run passed, 1 if any failed,
# 2 for a usage or setup error (missing JDK, failed build, no stress-ng).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNS=20
WHICH=both
TEST_PATTERN=
BUILD=1
LOAD=$(nproc 2>/dev/null || echo 2)
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

usage() {
  sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"
}

die() {
  echo "stress-tests: $*" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=${2:-}; shift 2 || die "--runs needs a value" ;;
    --runs=*) RUNS=${1#*=}; shift ;;
    --jdk) WHICH=${2:-}; shift 2 || die "--jdk needs a value" ;;
    --jdk=*) WHICH=${1#*=}; shift ;;
    --test) TEST_PATTERN=${2:-}; shift 2 || die "--test needs a value" ;;
    --test=*) TEST_PATTERN=${1#*=}; shift ;;
    --load) LOAD=${2:-}; shift 2 || die "--load needs a value" ;;
    --load=*) LOAD=${1#*=}; shift ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer, was '$RUNS'"
[[ "$LOAD" =~ ^[1-9][0-9]*$ ]] || die "--load must be a positive integer, was '$LOAD'"
case "$WHICH" in
  17) JDKS=(17) ;;
  25) JDKS=(25) ;;
  both) JDKS=(17 25) ;;
  *) die "--jdk must be 17, 25 or both, was '$WHICH'" ;;
esac

# JDK 17 is the machine's default java (as in .ci/run); JAVA_HOME is set explicitly so that a
# JAVA_HOME left in the environment does not silently pick another JDK.
java_home_for() {
  case "$1" in
    17)
      local j
      j=$(command -v java) || return 1
      j=$(readlink -f "$j") || return 1
      echo "${j%/bin/java}"
      ;;
    25) echo "$JDK25_HOME" ;;
  esac
}
for v in "${JDKS[@]}"; do
  h=$(java_home_for "$v") || die "JDK $v: no java on PATH"
  [ -x "$h/bin/java" ] || die "JDK $v not found at $h"
  major=$("$h/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = //p')
  [ "$major" = "$v" ] || die "JDK $v: $h/bin/java is Java $major"
done

# stress-ng: installed on demand (root only; apt-get update only if the first attempt fails).
if ! command -v stress-ng >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || die "stress-ng is not installed (apt-get install stress-ng, as root)"
  echo "=== installing stress-ng"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq stress-ng >/dev/null \
      || die "could not install stress-ng"
  fi
fi

RESULTS="$ROOT/target/stress-tests/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RESULTS" || die "cannot create $RESULTS"
SUMMARY="$RESULTS/summary.txt"

STRESS_PID=
MVN_PID=
cleanup() {
  if [ -n "$MVN_PID" ] && kill -0 "$MVN_PID" 2>/dev/null; then
    kill "$MVN_PID" 2>/dev/null
    wait "$MVN_PID" 2>/dev/null
  fi
  stop_load
}
stop_load() {
  if [ -n "$STRESS_PID" ]; then
    kill "$STRESS_PID" 2>/dev/null # stress-ng's parent stops its workers on SIGTERM
    wait "$STRESS_PID" 2>/dev/null
    STRESS_PID=
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_load() {
  # --timeout: a safety net should this script be killed with SIGKILL (no trap runs then).
  stress-ng --cpu "$LOAD" --timeout "$(( RUNS * 1800 + 600 ))s" --quiet >/dev/null 2>&1 &
  STRESS_PID=$!
  sleep 1
  kill -0 "$STRESS_PID" 2>/dev/null || die "stress-ng did not start"
}

# Runs Maven in the background and waits, so that INT/TERM reach the trap at once.
mvn_logged() {
  local log=$1
  shift
  ./mvnw "$@" >"$log" 2>&1 &
  MVN_PID=$!
  wait "$MVN_PID"
  local rc=$?
  MVN_PID=
  return $rc
}

# Test names (Class.method) that failed or erred in a surefire reports directory.
failed_tests() {
  awk '
    /<testcase / {
      name = ""; cls = ""
      if (match($0, / name="[^"]*"/)) name = substr($0, RSTART + 7, RLENGTH - 8)
      if (match($0, / classname="[^"]*"/)) cls = substr($0, RSTART + 12, RLENGTH - 13)
      sub(/.*\./, "", cls)
    }
    /<(failure|error)[ >]/ { print cls "." name }
  ' "$1"/TEST-*.xml 2>/dev/null | sort -u | paste -sd' ' -
}

MVN_COMMON=(-B -ntp -pl api,impl)
TEST_ARGS=()
if [ -n "$TEST_PATTERN" ]; then
  TEST_ARGS=(-Dtest="$TEST_PATTERN" -Dsurefire.failIfNoSpecifiedTests=false)
fi

{
  echo "stress-tests: $RUNS run(s) per JDK on JDK ${JDKS[*]}, load: stress-ng --cpu $LOAD, $(nproc) cores"
  echo "work tree: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "($(git -C "$ROOT" status --porcelain 2>/dev/null | wc -l) changed files)"
  [ -n "$TEST_PATTERN" ] && echo "tests: $TEST_PATTERN"
} | tee "$SUMMARY"

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY_LINES=()

for v in "${JDKS[@]}"; do
  export JAVA_HOME
  JAVA_HOME=$(java_home_for "$v")
  TARGET=target-stress-$v
  OUT="$RESULTS/jdk$v"
  mkdir -p "$OUT"
  echo "=== JDK $v: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)" | tee -a "$SUMMARY"

  if [ "$BUILD" -eq 1 ]; then
    start=$SECONDS
    echo "=== JDK $v: building api and impl into $TARGET (log: $OUT/build.log)"
    if ! mvn_logged "$OUT/build.log" "${MVN_COMMON[@]}" -Dsmolscale.target="$TARGET" \
        -Dsmolscale.skipImplTests=true clean package; then
      tail -40 "$OUT/build.log" >&2
      die "JDK $v: the build failed (log: $OUT/build.log)"
    fi
    echo "=== JDK $v: built in $(( SECONDS - start )) s" | tee -a "$SUMMARY"
  elif [ ! -d "impl/$TARGET/test-classes" ]; then
    die "JDK $v: --no-build, but impl/$TARGET has no build"
  fi

  start_load
  passed=0
  failed=0
  failing_runs=()
  run_times=()
  for ((k = 1; k <= RUNS; k++)); do
    reports="impl/$TARGET/surefire-reports"
    rm -rf "$reports"
    log="$OUT/run-$k.log"
    start=$SECONDS
    # surefire.timeout: a hung test JVM ends the run (a failure) instead of the whole tool.
    mvn_logged "$log" "${MVN_COMMON[@]}" -o -Dsmolscale.target="$TARGET" \
      -Dsurefire.timeout=1800 ${TEST_ARGS[@]+"${TEST_ARGS[@]}"} jar:jar surefire:test
    rc=$?
    took=$(( SECONDS - start ))
    run_times+=("$took")
    tests=$(grep -h "Tests run:" "$log" | tail -1 | sed 's/^\[[A-Z]*\] *//')
    if [ "$rc" -eq 0 ]; then
      passed=$((passed + 1))
      rm -f "$log"
      line="JDK $v run $k/$RUNS: passed in $took s ($tests)"
    else
      failed=$((failed + 1))
      failing_runs+=("$k")
      keep="$OUT/run-$k"
      mkdir -p "$keep"
      mv "$log" "$keep/maven.log"
      [ -d "$reports" ] && cp -r "$reports" "$keep/surefire-reports"
      names=$(failed_tests "$keep/surefire-reports")
      line="JDK $v run $k/$RUNS: FAILED in $took s: ${names:-no failing test in the reports, see the log} ($keep)"
    fi
    echo "$line" | tee -a "$SUMMARY"
  done
  stop_load

  sum=0
  for t in "${run_times[@]}"; do sum=$((sum + t)); done
  per="JDK $v: $passed passed, $failed failed of $RUNS runs (mean $(( sum / RUNS )) s per loaded run)"
  [ "$failed" -gt 0 ] && per="$per; failing runs: ${failing_runs[*]}"
  SUMMARY_LINES+=("$per")
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
done

{
  echo "=== summary (results: $RESULTS)"
  for l in "${SUMMARY_LINES[@]}"; do echo "$l"; done
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
} | tee -a "$SUMMARY"

[ "$TOTAL_FAILED" -eq 0 ]
