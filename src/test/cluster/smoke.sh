#!/usr/bin/env bash
# Smoke test of the binaries from build.sh: starts etcd and kube-apiserver on loopback in a
# temp dir (own CA, serving cert, admin client cert in system:masters, service-account signing
# key, all made with openssl), then checks `kubectl version`, `kubectl get ns` and a write.
# Everything it started is stopped, and the temp dir removed, on success and on failure.
# With --full it also starts kube-controller-manager, kube-scheduler and kwok, registers a
# fake node and waits for a Job to complete on it.
# With --serve it leaves everything running after the checks: it prints "KUBECONFIG=<path>" on
# stdout (an admin kubeconfig, system:masters) and serves until it gets SIGTERM or SIGINT, or its
# parent process exits; then it cleans up as usual and exits 0 (used by src/test/perf/).
# Usage: smoke.sh [--full] [--serve]   (runs build.sh first; that builds nothing when all is cached)
set -euo pipefail

full=false serve=false
for arg in "$@"; do
  case $arg in
    --full) full=true ;;
    --serve) serve=true ;;
    *) echo "usage: smoke.sh [--full] [--serve]" >&2; exit 2 ;;
  esac
done

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
K8S_VERSION=v1.34.4

bin=$("$here/build.sh" | tail -n 1)
work=$(mktemp -d "${TMPDIR:-/tmp}/k8s-smoke.XXXXXX")
pids=()

# shellcheck source=lib.sh
. "$here/lib.sh"

log() { echo "smoke.sh: $*" >&2; }

cleanup() {
  local rc=$? j
  trap - EXIT INT TERM
  # Stop in reverse start order (kube-apiserver before etcd).
  for ((j = ${#pids[@]} - 1; j >= 0; j--)); do
    stop_pid "${pids[j]}"
  done
  if ((rc != 0)); then
    for f in "$work"/*.log; do
      [[ -f $f ]] || continue
      log "--- last lines of $(basename "$f") ---"
      tail -n 30 "$f" >&2 || true
    done
    log "FAILED (exit $rc)"
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- keys and certificates --------------------------------------------------------------
cd "$work"
make_certs "$work" smoke-admin

# --- etcd -------------------------------------------------------------------------------
etcd_port=$(free_port)
peer_port=$(free_port)
etcd_args=(
  --name=smoke --data-dir="$work/etcd"
  --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port"
  --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port"
  --initial-cluster="smoke=http://127.0.0.1:$peer_port"
  --log-level=warn
)
if "$bin/etcd" --help 2>&1 | grep -q -- '--unsafe-no-fsync'; then etcd_args+=(--unsafe-no-fsync); fi
"$bin/etcd" "${etcd_args[@]}" >etcd.log 2>&1 &
pids+=($!)
log "etcd pid ${pids[-1]} on 127.0.0.1:$etcd_port"

# --- kube-apiserver ---------------------------------------------------------------------
api_port=$(free_port)
"$bin/kube-apiserver" \
  --etcd-servers="http://127.0.0.1:$etcd_port" \
  --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
  --cert-dir="$work/apiserver-certs" \
  --tls-cert-file="$work/apiserver.crt" --tls-private-key-file="$work/apiserver.key" \
  --client-ca-file="$work/ca.crt" \
  --authorization-mode=RBAC \
  --service-cluster-ip-range=10.0.0.0/24 \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$work/sa.pub" \
  --service-account-signing-key-file="$work/sa.key" \
  --allow-privileged=true \
  >apiserver.log 2>&1 &
pids+=($!)
log "kube-apiserver pid ${pids[-1]} on https://127.0.0.1:$api_port"

kc=$work/kubeconfig
k() { "$bin/kubectl" --kubeconfig="$kc" "$@"; }
k config set-cluster smoke --server="https://127.0.0.1:$api_port" --certificate-authority="$work/ca.crt" --embed-certs >/dev/null
k config set-credentials smoke-admin --client-certificate="$work/admin.crt" --client-key="$work/admin.key" --embed-certs >/dev/null
k config set-context smoke --cluster=smoke --user=smoke-admin >/dev/null
k config use-context smoke >/dev/null

start=$SECONDS
until k get --raw /readyz >/dev/null 2>&1; do
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { log "process $pid exited"; exit 1; }; done
  ((SECONDS - start < 90)) || { log "kube-apiserver not ready after 90s"; exit 1; }
  sleep 0.5
done
log "kube-apiserver ready after $((SECONDS - start))s"

# --- checks -----------------------------------------------------------------------------
k version
server_version=$(k version -o json | grep -A12 '"serverVersion"' | sed -n 's/.*"gitVersion": "\(.*\)",/\1/p')
[[ $server_version == "$K8S_VERSION" ]] || { log "server gitVersion '$server_version' != $K8S_VERSION"; exit 1; }
for i in $(seq 1 20); do # kube-node-lease etc. are created right after readiness
  k get ns kube-node-lease >/dev/null 2>&1 && break
  sleep 0.5
done
k get ns
for ns in default kube-system kube-public kube-node-lease; do k get ns "$ns" >/dev/null; done
k auth can-i '*' '*' --all-namespaces | grep -qx yes
k create namespace smoke >/dev/null
k -n smoke create configmap probe --from-literal=hello=world >/dev/null
[[ $(k -n smoke get configmap probe -o jsonpath='{.data.hello}') == world ]]
log "OK: etcd $("$bin/etcd" --version | sed -n 's/^etcd Version: //p') + kube-apiserver $server_version"

# --serve: keep the control plane up for the caller, until told to stop or orphaned.
serve_or_exit() {
  $serve || exit 0
  local parent=$PPID
  echo "KUBECONFIG=$kc"
  log "serving; stop with SIGTERM or SIGINT"
  trap 'exit 0' INT TERM
  while kill -0 "$parent" 2>/dev/null; do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { log "process $pid exited"; exit 1; }; done
    sleep 1
  done
  log "parent $parent is gone"
  exit 0
}

$full || serve_or_exit

# --- --full: kube-controller-manager, kube-scheduler, kwok; a fake node runs a Job -------
"$bin/kube-controller-manager" --kubeconfig="$kc" --leader-elect=false --secure-port=0 \
  --controllers='*' --service-account-private-key-file="$work/sa.key" --root-ca-file="$work/ca.crt" \
  >controller-manager.log 2>&1 &
pids+=($!)
"$bin/kube-scheduler" --kubeconfig="$kc" --leader-elect=false --secure-port=0 >scheduler.log 2>&1 &
pids+=($!)
# kwok 0.7 falls back to its built-in stages (node ready, pod ready, Job pods complete).
"$bin/kwok" --kubeconfig="$kc" --manage-all-nodes=true --cidr=10.244.0.0/16 \
  --node-lease-duration-seconds=40 >kwok.log 2>&1 &
pids+=($!)
log "controller-manager, scheduler, kwok pids ${pids[*]: -3}"
k apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-0
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
spec:
  taints:
  - key: kwok.x-k8s.io/node
    value: fake
    effect: NoSchedule
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
YAML
k wait --for=condition=Ready node/kwok-node-0 --timeout=60s
k -n smoke apply -f - >/dev/null <<'YAML'
apiVersion: batch/v1
kind: Job
metadata:
  name: probe
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      tolerations:
      - key: kwok.x-k8s.io/node
        operator: Exists
        effect: NoSchedule
      containers:
      - name: probe
        image: example.invalid/probe:1
YAML
k -n smoke wait --for=condition=Complete job/probe --timeout=90s
k -n smoke get job,pods -o wide
log "OK (--full): Job completed on a kwok node"
serve_or_exit
