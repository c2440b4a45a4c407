#!/usr/bin/env bash
# Startup time and memory of the packaged operator (target/quarkus-app), in five variants:
#   JDK 17                      java -jar quarkus-run.jar                     (the default build)
#   JDK 25                      java -jar quarkus-run.jar                     (the same build)
#   JDK 25 + AOT cache          java -XX:AOTCache=app.aot -jar quarkus-run.jar (built with -Paot on JDK 25, see
#                               pom.xml: Quarkus's training run, which stops after static init)
#   JDK 25 + trained AOT cache  the default build with an AOT cache from a training run of the operator itself
#                               against this API server (JEP 514: -XX:AOTCacheOutput), reconciling runs until
#                               their Jobs exist, so the cache also holds what reconciling loads and profiles
#   JDK 25 + trained AOT cache, uber-jar
#                               the same, packaged as one jar (quarkus.package.jar.type=uber-jar): its classes
#                               come from the JDK's application class loader, not from Quarkus's fast-jar loader,
#                               so the cache can also hold them linked (JEP 483 links only the JDK's loaders' classes)
# Each is started RUNS times against a real kube-apiserver (src/test/cluster/smoke.sh --serve: etcd +
# kube-apiserver on loopback, the CRDs from kubernetes/crd/ applied), as its ServiceAccount with the generated RBAC
# through the client's in-cluster configuration (a token file, no kubeconfig), with leader election off and a free
# HTTP port, with one AgentRun created just before the start (its AgentProvider is older, and ready). Measured per
# start: wall time from exec to the first 200 from /q/health/ready (polled every 20 ms), and to the first
# reconcile of the existing run (the time stamp of the operator's "created PVC ..., ConfigMap ... and Job"
# line), the "started in" that Quarkus logs, CPU time (user + system) used until ready, and VmRSS once
# ready and again after IDLE seconds. Runs are interleaved (17, 25, 25+AOT, 25+trained, 25+trained uber-jar,
# 17, ...) after one unmeasured warm-up round, so background load spreads over all variants. Prints a markdown table
# (median, min-max); raw numbers go to target/perf/runs.csv.
# Everything it starts is stopped on exit (also on failure or Ctrl-C).
#
# Usage: src/test/perf/measure-startup.sh [-n RUNS] [--idle SECONDS] [--skip-build] [--jvm-flags "FLAGS"]
#   -n RUNS        starts per variant (default 5)
#   --idle S       seconds to wait after ready before the second RSS reading (default 5)
#   --jvm-flags F  JVM flags for every variant and the training run (default: the image's, with -XX:MaxRAM=512m
#                  for the chart's memory limit, as in benchmark.sh; "" for the JVM's own defaults)
#   --skip-build   reuse target/perf/plain and target/perf/aot from an earlier run (the trained cache is made
#                  again each time: it belongs to the JDK build and the jars it was made with)
# Environment: JDK17_HOME (default /usr/lib/jvm/java-17-openjdk-amd64), JDK25_HOME (default
# /usr/lib/jvm/temurin-25-jdk-amd64). The AOT cache only works on the JDK build that created it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../.." && pwd)
runs=5 idle=5 build=true warmup=1
jvm_flags="-XX:MaxRAM=512m -XX:MaxRAMPercentage=50.0 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"
while (($#)); do
  case $1 in
    -n) runs=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --skip-build) build=false; shift ;;
    --jvm-flags) jvm_flags=$2; shift 2 ;;
    *) echo "usage: measure-startup.sh [-n RUNS] [--idle SECONDS] [--skip-build] [--jvm-flags FLAGS]" >&2; exit 2 ;;
  esac
done
[[ $runs =~ ^[1-9][0-9]*$ && $idle =~ ^[0-9]+$ ]] || { echo "RUNS must be >= 1, IDLE >= 0" >&2; exit 2; }
JDK17_HOME=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
for j in "$JDK17_HOME" "$JDK25_HOME"; do [[ -x $j/bin/java ]] || { echo "no JDK at $j" >&2; exit 2; }; done

out=$root/target/perf
work=$(mktemp -d "${TMPDIR:-/tmp}/measure-startup.XXXXXX")
smoke_pid= op_pid=

log() { echo "measure-startup.sh: $*" >&2; }

# shellcheck source=../cluster/lib.sh
. "$root/src/test/cluster/lib.sh"

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -z $op_pid ]] || stop_pid "$op_pid"
  [[ -z $smoke_pid ]] || stop_pid "$smoke_pid" # smoke.sh stops etcd and kube-apiserver itself
  if ((rc != 0)); then
    for f in "$work"/*.log "$work"/smoke.err; do
      [[ -f $f ]] || continue
      log "--- last lines of $(basename "$f") ---"
      tail -n 20 "$f" >&2 || true
    done
    log "FAILED (exit $rc)"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- build: the AOT variant first (JDK 25, -Paot), then the default build (JDK 17), so target/quarkus-app
# --- ends up as the normal build. Each is copied to target/perf/ (cp -a keeps the jar times the cache checks).
package() { # name java-home maven-args...
  local name=$1 jh=$2 runner
  shift 2
  log "packaging '$name' with $jh: ./mvnw -B package -DskipTests $*"
  if ! (cd "$root" && JAVA_HOME=$jh ./mvnw -B package -DskipTests "$@") >"$out/build-$name.log" 2>&1; then
    tail -n 40 "$out/build-$name.log" >&2
    log "build '$name' failed, see $out/build-$name.log"
    exit 1
  fi
  rm -rf "${out:?}/$name"
  if [[ " $* " == *" -Dquarkus.package.jar.type=uber-jar "* ]]; then
    runner=$(ls "$root"/target/*-runner.jar)
    mkdir "$out/$name" && cp -a "$runner" "$out/$name/quarkus-run.jar" && rm -f "$runner"
  else
    cp -a "$root/target/quarkus-app" "$out/$name"
  fi
  rm -f "$out/$name/app.aotconf" # the training record; only needed to create app.aot
}
if $build; then
  mkdir -p "$out"
  package aot "$JDK25_HOME" -Paot
  if [[ ! -s $out/aot/app.aot ]]; then
    grep -iE 'aot|appcds' "$out/build-aot.log" >&2 || true
    log "the -Paot build made no app.aot (see $out/build-aot.log)"
    exit 1
  fi
  package uber "$JDK17_HOME" '-P!aot' -Dquarkus.package.jar.type=uber-jar
  package plain "$JDK17_HOME" '-P!aot'
  [[ ! -e $out/plain/app.aot ]] || { log "the default build has an app.aot"; exit 1; }
  cp "$root/target/kubernetes/kubernetes.yml" "$out/plain/kubernetes.yml" # its ServiceAccount and RBAC
fi
for d in plain aot uber; do [[ -f $out/$d/quarkus-run.jar ]] || { log "no $out/$d/quarkus-run.jar: run without --skip-build"; exit 1; }; done
[[ -f $out/plain/kubernetes.yml ]] || { log "no $out/plain/kubernetes.yml: run without --skip-build"; exit 1; }
# the trained variants: the default build and the uber-jar, with AOT caches made below against the API server
rm -rf "$out/trained" "$out/uber-trained"
cp -a "$out/plain" "$out/trained"
cp -a "$out/uber" "$out/uber-trained"

# --- a Kubernetes API server, and the CRDs ---------------------------------------------------------
bin=$("$root/src/test/cluster/build.sh" | tail -n 1)
"$root/src/test/cluster/smoke.sh" --serve >"$work/smoke.out" 2>"$work/smoke.err" &
smoke_pid=$!
start=$SECONDS
until kc=$(sed -n 's/^KUBECONFIG=//p' "$work/smoke.out") && [[ -n $kc ]]; do
  kill -0 "$smoke_pid" 2>/dev/null || { log "smoke.sh --serve exited"; exit 1; }
  ((SECONDS - start < 300)) || { log "no API server after 300s"; exit 1; }
  sleep 0.5
done
for f in "$root"/kubernetes/crd/*.yml; do "$bin/kubectl" --kubeconfig="$kc" apply -f "$f" >/dev/null; done
"$bin/kubectl" --kubeconfig="$kc" wait --for=condition=Established crd --all --timeout=60s >/dev/null
log "API server up, CRDs applied"
kubectl() { "$bin/kubectl" --kubeconfig="$kc" "$@"; }

# --- the operator's identity: as in a cluster ------------------------------------------------------
# The operator runs as its ServiceAccount with the RBAC the build generates (target/kubernetes/kubernetes.yml),
# and the client finds the API server, a token file and the cluster CA through its in-cluster configuration, as in
# a pod (no kubeconfig). The admin kubeconfig of smoke.sh would cost the start more than a deployment pays: parsing
# the YAML, loading a private key, and an RSA signature in every TLS handshake (about 0.3-0.45 s, 2026-12-02).
kubectl create namespace agent-operator-system >/dev/null
awk 'BEGIN { RS = "\n---\n" } /(^|\n)kind: (ServiceAccount|ClusterRole|ClusterRoleBinding|Role|RoleBinding)\n/ { printf "%s\n---\n", $0 }' \
  "$out/plain/kubernetes.yml" | kubectl -n agent-operator-system apply -f - >/dev/null
kubectl -n agent-operator-system create token agent-operator --duration=24h >"$work/token"
kubectl config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d >"$work/ca.crt"
api_url=$(kubectl config view -o jsonpath='{.clusters[0].cluster.server}')
[[ $api_url =~ ^https://([^:/]+):([0-9]+)$ ]] || { log "unexpected API server URL $api_url"; exit 1; }
api_host=${BASH_REMATCH[1]} api_port=${BASH_REMATCH[2]}
# fabric8's in-cluster settings (Config.autoConfigure): KUBERNETES_SERVICE_HOST/PORT, the token and CA files
in_cluster() {
  unset KUBECONFIG
  export KUBERNETES_AUTH_TRYKUBECONFIG=false KUBERNETES_SERVICE_HOST=$api_host \
    KUBERNETES_SERVICE_PORT=$api_port KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN=$work/token \
    KUBERNETES_CERTS_CA_FILE=$work/ca.crt
}

# NAMESPACE: a namespace with a token Secret and an AgentProvider (the first operator to run makes it ready)
provider_in() {
  {
    printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n---\n' "$1"
    printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: %s}\nstringData: {api-key: not-a-real-key}\n---\n' "$1"
    printf 'apiVersion: agent.xonovex.com/v1alpha1\nkind: AgentProvider\nmetadata: {name: provider, namespace: %s}\n' "$1"
    printf 'spec: {agentTypes: [claude], authTokenSecretRef: {name: token, key: api-key}}\n'
  } | kubectl apply -f - >/dev/null
}
# NAMESPACE RUN...: AgentRuns that use the namespace's provider
runs_in() {
  local ns=$1 run
  shift
  for run in "$@"; do
    printf -- '---\napiVersion: agent.xonovex.com/v1alpha1\nkind: AgentRun\nmetadata: {name: %s, namespace: %s}\n' "$run" "$ns"
    printf 'spec: {agent: claude, providerRef: provider, repository: {url: "https://git.example.com/org/repo.git"}, '
    printf 'prompt: "Fix the authentication bug in the login handler"}\n'
  done | kubectl apply -f - >/dev/null
}

# --- the trained AOT cache ------------------------------------------------------------------------
# The operator on JDK 25 with -XX:AOTCacheOutput, against this API server: three runs to reconcile (PVC, ConfigMap,
# Job, status, event), namespace defaults, a policy that blocks a fourth run, health and metrics once; stopped with
# SIGTERM once the Jobs exist, when the JVM writes the training record and then assembles the cache (JEP 514).
train() { # directory under target/perf; each training gets namespaces of its own, with runs still to reconcile
  local dir=$1 port lg=$work/training-$1.log pid i
  provider_in "training-$dir"
  runs_in "training-$dir" train-1 train-2 train-3
  printf 'apiVersion: agent.xonovex.com/v1alpha1\nkind: AgentConfig\nmetadata: {name: default, namespace: %s}\nspec: {defaultAgent: claude}\n' \
    "training-$dir" | kubectl apply -f - >/dev/null
  provider_in "training-policy-$dir"
  runs_in "training-policy-$dir" blocked
  printf 'apiVersion: agent.xonovex.com/v1alpha1\nkind: AgentPolicy\nmetadata: {name: default, namespace: %s}\nspec: {limits: {maxTimeout: 1m}}\n' \
    "training-policy-$dir" | kubectl apply -f - >/dev/null
  port=$(free_port)
  log "training the AOT cache of $dir (JDK 25, -XX:AOTCacheOutput)"
  (
    cd "$out/$dir"
    in_cluster
    export QUARKUS_HTTP_PORT=$port AGENT_OPERATOR_LEADER_ELECTION_ENABLED=false
    # shellcheck disable=SC2086 # flags are words
    exec "$JDK25_HOME/bin/java" $jvm_flags -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar
  ) >"$lg" 2>&1 &
  pid=$!
  for ((i = 0; i < 1200; i++)); do
    (($(grep -c 'created PVC' "$lg") >= 3)) && ready "$port" && break
    alive "$pid" || { log "the training run exited"; tail -n 30 "$lg" >&2; exit 1; }
    sleep 0.1
  done
  (($(grep -c 'created PVC' "$lg") >= 3)) || { log "the training run made no Jobs in 120 s"; tail -n 30 "$lg" >&2; exit 1; }
  sleep 3 # the status writes and events that follow
  (exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GET /q/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' >&3 && cat <&3 >/dev/null) || true
  kill -TERM "$pid"
  for ((i = 0; i < 1200; i++)); do alive "$pid" || break; sleep 0.1; done
  alive "$pid" && { log "the training run did not exit within 120 s of SIGTERM"; exit 1; }
  wait "$pid" || true
  [[ -s $out/$dir/app.aot ]] || { log "the training run wrote no app.aot"; tail -n 30 "$lg" >&2; exit 1; }
  log "trained AOT cache of $dir: $(du -m "$out/$dir/app.aot" | cut -f1) MB"
}

# --- runs ----------------------------------------------------------------------------------------
names=("JDK 17" "JDK 25" "JDK 25 + AOT cache" "JDK 25 + trained AOT cache" "JDK 25 + trained AOT cache, uber-jar")
javas=("$JDK17_HOME/bin/java" "$JDK25_HOME/bin/java" "$JDK25_HOME/bin/java" "$JDK25_HOME/bin/java" "$JDK25_HOME/bin/java")
dirs=(plain plain aot trained uber-trained)
# -XX:AOTMode=on makes the JVM fail instead of silently running without the cache when it can't be used.
aot="-XX:AOTCache=app.aot -XX:AOTMode=on"
flags=("" "" "$aot" "$aot" "$aot")

# 0 when /q/health/ready answers 200 (no curl: bash's /dev/tcp, so polling forks little on a busy machine)
ready() {
  local status=
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /q/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 || true
  IFS= read -r -t 5 status <&3 || true
  exec 3>&-
  [[ $status == "HTTP/1.1 200"* ]]
}
rss_mib() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
# user + system CPU seconds the process used so far (all threads); less sensitive to other load than wall time
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }

provider_in startup # made ready by the first training run, for the measured starts
train trained
train uber-trained

echo "variant,run,ready_s,first_job_s,started_in_s,cpu_ready_s,rss_ready_mib,rss_idle_mib" >"$work/runs.csv"
run_once() { # variant-index run-label
  local v=$1 label=$2 port t0 t1 cpu rss_ready rss_idle started lg job first_job run attempt
  lg=$work/operator-$v-$label.log
  for attempt in 1 2 3; do
    run=existing-$v-$label-$attempt # a failed attempt may have reconciled its run
    runs_in startup "$run"
    port=$(free_port)
    t0=$EPOCHREALTIME
    (
      cd "$out/${dirs[v]}"
      in_cluster
      export QUARKUS_HTTP_PORT=$port AGENT_OPERATOR_LEADER_ELECTION_ENABLED=false
      # shellcheck disable=SC2086 # flags are words
      exec "${javas[v]}" $jvm_flags ${flags[v]} -jar quarkus-run.jar
    ) >"$lg" 2>&1 &
    op_pid=$!
    until ready "$port"; do
      alive "$op_pid" || break
      [[ $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { print (b - a > 120) }') == 0 ]] ||
        { log "${names[v]} not ready after 120s"; tail -n 30 "$lg" >&2; exit 1; }
      sleep 0.02
    done
    alive "$op_pid" && break
    wait "$op_pid" || true
    op_pid=
    # free_port's port can be taken between the check and Quarkus's bind (outgoing connections use that range too)
    grep -q 'seems to be in use' "$lg" && ((attempt < 3)) && { log "port $port was taken, starting again"; continue; }
    log "${names[v]} exited before ready"
    tail -n 30 "$lg" >&2
    exit 1
  done
  t1=$EPOCHREALTIME
  cpu=$(cpu_s "$op_pid")
  rss_ready=$(rss_mib "$op_pid")
  sleep "$idle"
  rss_idle=$(rss_mib "$op_pid")
  stop_pid "$op_pid"
  op_pid=
  started=$(sed -n 's/.* started in \([0-9.]*\)s\..*/\1/p' "$lg" | head -n 1)
  # the log's time stamps are local time with milliseconds: "2026-12-02 00:40:42,899 INFO ..."
  job=$(grep -m 1 "startup/$run: created PVC" "$lg" | cut -c1-23 | tr , .) || true
  first_job=NA
  [[ -z $job ]] || first_job=$(awk -v a="$t0" -v b="$(date -d "$job" +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  kubectl -n startup delete agentrun "$run" --wait=false >/dev/null # later starts have only their own run to make
  printf '%s,%s,%s,%s,%s,%s,%s,%s\n' "$v" "$label" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
    "$first_job" "${started:-NA}" "$cpu" "$rss_ready" "$rss_idle" >>"$work/runs.csv"
  log "$(tail -n 1 "$work/runs.csv") (${names[v]})"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((r = 1 - warmup; r <= runs; r++)); do
  for v in "${!names[@]}"; do
    if ((r < 1)); then run_once "$v" "warmup$((r + warmup))"; else run_once "$v" "$r"; fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
grep -v ',warmup' "$work/runs.csv" >"$out/runs.csv"

# --- report --------------------------------------------------------------------------------------
stat() { # variant column -> "median (min–max)"
  awk -F, -v v="$1" -v c="$2" 'NR > 1 && $1 == v && $c != "NA" { print $c }' "$out/runs.csv" | sort -g |
    awk -v d="$3" '{ x[NR] = $1 } END {
      if (NR == 0) { print "n/a"; exit }
      m = NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2
      printf "%." d "f (%." d "f–%." d "f)\n", m, x[1], x[NR] }'
}
jv() { "$1" -version 2>&1 | sed -n 's/.*Runtime Environment \(.*\)/\1/p' | head -n 1; }
echo
echo "Commit $(git -C "$root" rev-parse --short HEAD), $(nproc) cores, load average $load_before before and $load_after after;"
echo "$runs runs per variant after $warmup warm-up round, interleaved; median (min–max). JVM flags: ${jvm_flags:-none}."
echo "JDK 17: $(jv "$JDK17_HOME/bin/java"); JDK 25: $(jv "$JDK25_HOME/bin/java")."
echo
echo "| Variant | Exec to ready (s) | Exec to the first reconcile (s) | Quarkus \"started in\" (s) | CPU time to ready (s) | RSS at ready (MiB) | RSS after ${idle} s idle (MiB) |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for v in "${!names[@]}"; do
  echo "| ${names[v]} | $(stat "$v" 3 2) | $(stat "$v" 4 2) | $(stat "$v" 5 2) | $(stat "$v" 6 2) | $(stat "$v" 7 0) | $(stat "$v" 8 0) |"
done
