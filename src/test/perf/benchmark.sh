#!/usr/bin/env bash
# The operator's speed and memory next to a raw client's, side by side in one run (README, "Speed and memory").
# Packages the operator (unless --skip-build), compiles the test classes, then runs the Java benchmark
# com.xonovex.agentoperator.perf.Benchmark (src/test/java/.../perf): per repetition and subject a fresh etcd +
# kube-apiserver from the test bed (src/test/cluster/build.sh's binaries; with --lifecycle the whole tier-3 control
# plane with kwok nodes), the packaged operator (target/quarkus-app, java -jar) or the raw client
# (perf/RawOperator: the operator's writes and nothing else, 16 workers, no rate limit), N runs created by 16
# parallel creators. Prints a markdown table; the numbers go to target/perf/benchmark.json (or --out).
# Not part of ./mvnw verify (no *Test/*IT class).
#
# Usage: src/test/perf/benchmark.sh [--runs N[,N...]] [--reps R] [--prompt-kib K] [--lifecycle] [--skip-build]
#                                   [--pre-existing M] [--creators C] [--workers W] [--out FILE] [--label TEXT]
#                                   [--java PATH] [--jvm-flags "FLAGS"] [--operator-dir DIR] [--baseline-dir DIR] [--subjects operator,raw]
#   --runs N         runs per measurement, a comma-separated list (default 500)
#   --reps R         repetitions, each subject on a fresh API server each time (default 3; medians reported)
#   --prompt-kib K   prompts of K KiB instead of one sentence
#   --lifecycle      the tier-3 control plane with kwok nodes: runs go to a terminal phase; counts status writes
#                    and events per run over the lifecycle and after a restart (operator only)
#   --pre-existing M runs that exist before the subject starts, for "start → first Job" (default 10)
#   --jvm-flags F    the operator's JVM flags (default: the image's, with -XX:MaxRAM=512m for the chart's memory
#                    limit: "-XX:MaxRAM=512m -XX:MaxRAMPercentage=50.0 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError";
#                    "" for the JVM's own defaults)
#   --baseline-dir D also measures the operator packaged in D (e.g. a copy of an earlier build), for before/after
#   --java PATH      the operator's java (default: the JDK that runs the benchmark); jcmd is taken from beside it
# Environment: JAVA_HOME for Maven and the benchmark itself (default: the java on the PATH).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=true
args=()
while (($#)); do
  case $1 in
    --skip-build) build=false; shift ;;
    --lifecycle) args+=("$1"); shift ;;
    --runs | --reps | --prompt-kib | --pre-existing | --creators | --workers | --out | --label | --java | --jvm-flags | \
      --operator-dir | --baseline-dir | --subjects)
      (($# >= 2)) || { echo "benchmark.sh: $1 needs a value" >&2; exit 2; }
      args+=("$1" "$2"); shift 2 ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done

log() { echo "benchmark.sh: $*" >&2; }
cd "$root"
mkdir -p target/perf
bin=$(src/test/cluster/build.sh | tail -n 1) # the test bed's binaries (cached after the first build)
[[ -x $bin/kube-apiserver ]] || { log "no kube-apiserver in $bin"; exit 1; }
if $build; then
  log "packaging the operator: ./mvnw -B -o package -DskipTests"
  ./mvnw -B -o -q package -DskipTests >target/perf/build.log 2>&1 || { tail -n 40 target/perf/build.log >&2; exit 1; }
  log "compiling the benchmark: ./mvnw -B -o test-compile"
  ./mvnw -B -o -q test-compile -DskipTestBed=true >target/perf/test-compile.log 2>&1 ||
    { tail -n 40 target/perf/test-compile.log >&2; exit 1; }
fi
[[ -f target/quarkus-app/quarkus-run.jar && -d target/test-classes/com/xonovex/agentoperator/perf ]] ||
  { log "no target/quarkus-app/quarkus-run.jar or benchmark classes: run without --skip-build"; exit 1; }
# the test classpath, computed again only when the pom changes
cp_file=target/perf/classpath.txt
if [[ ! -s $cp_file || pom.xml -nt $cp_file ]]; then
  ./mvnw -B -o -q exec:exec -Dexec.executable=echo -Dexec.args='%classpath' -Dexec.classpathScope=test \
    >"$cp_file.tmp" 2>target/perf/classpath.log || { tail -n 20 target/perf/classpath.log >&2; exit 1; }
  tail -n 1 "$cp_file.tmp" >"$cp_file"
  rm -f "$cp_file.tmp"
fi
# Run from a copy of the classes and of the packaged operator, so that a build during the run changes nothing.
snap=$(mktemp -d "$root/target/perf/run.XXXXXX")
trap 'rm -rf "$snap"' EXIT
cp -a target/classes "$snap/classes"
cp -a target/test-classes "$snap/test-classes"
cp -a target/quarkus-app "$snap/quarkus-app"
cp=$(sed -e "s#$root/target/test-classes#$snap/test-classes#; s#$root/target/classes#$snap/classes#" "$cp_file")
has_dir=false
for a in "${args[@]}"; do [[ $a != --operator-dir ]] || has_dir=true; done
$has_dir || args+=(--operator-dir "$snap/quarkus-app")
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
"$java" -XX:+UseParallelGC -cp "$cp" com.xonovex.agentoperator.perf.Benchmark "${args[@]}"
