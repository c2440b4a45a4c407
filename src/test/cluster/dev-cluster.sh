#!/usr/bin/env bash
# A local Kubernetes control plane for dev mode, from the test bed's cached binaries (build.sh): etcd,
# kube-apiserver, kube-controller-manager (Job controller, garbage collector, a hostPath volume provisioner),
# kube-scheduler and kwok, which plays the kubelet of three fake nodes. Pods are simulated: kwok moves them
# through Pending, init container, Running and Succeeded (about 3 s a step); no container really runs.
# The CRDs and the samples' Secret, AgentProvider and AgentConfig are applied.
#
#   dev-cluster.sh up      start it (or reuse the running one); prints the kubeconfig path on the last line
#   dev-cluster.sh down    stop it and remove its state
#   dev-cluster.sh status  says whether it runs
#
# State lives in ${DEV_CLUSTER_DIR:-${AGENT_OPERATOR_CACHE:-~/.cache/agent-operator}/dev-cluster}.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
cache=${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}
state=${DEV_CLUSTER_DIR:-$cache/dev-cluster}
kc=$state/kubeconfig

# shellcheck source=lib.sh
. "$here/lib.sh"

log() { echo "dev-cluster: $*" >&2; }

running() {
  [[ -f $state/pids ]] || return 1
  local pid
  while read -r pid; do
    alive "$pid" || return 1
  done <"$state/pids"
}

down() {
  if [[ -f $state/pids ]]; then
    local pid
    # reverse start order: kwok and the controllers first, etcd last
    for pid in $(tac "$state/pids"); do
      stop_pid "$pid"
    done
  fi
  rm -rf "$state"
}

up() {
  if running; then
    log "already running"
    echo "$kc"
    return
  fi
  down
  local bin
  bin=$("$here/build.sh" | tail -n 1)
  mkdir -p "$state"
  cd "$state"
  trap 'rc=$?; if ((rc != 0)); then log "failed; logs in $state"; tail -n 20 "$state"/*.log >&2 || true; fi' EXIT

  make_certs "$state" dev-admin

  # setsid: the control plane outlives this script; "down" stops it through the pid file
  start() {
    local name=$1
    shift
    setsid "$@" >"$state/$name.log" 2>&1 </dev/null &
    echo $! >>"$state/pids"
  }
  local etcd_port peer_port api_port
  etcd_port=$(free_port)
  peer_port=$(free_port)
  start etcd "$bin/etcd" --name=dev --data-dir="$state/etcd" --unsafe-no-fsync --log-level=warn \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="dev=http://127.0.0.1:$peer_port"
  api_port=$(free_port)
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --cert-dir="$state/apiserver-certs" --tls-cert-file="$state/apiserver.crt" \
    --tls-private-key-file="$state/apiserver.key" --client-ca-file="$state/ca.crt" \
    --authorization-mode=RBAC --service-cluster-ip-range=10.0.0.0/24 \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$state/sa.pub" --service-account-signing-key-file="$state/sa.key" \
    --allow-privileged=true --profiling=false

  k() { "$bin/kubectl" --kubeconfig="$kc" "$@"; }
  k config set-cluster dev --server="https://127.0.0.1:$api_port" --certificate-authority="$state/ca.crt" \
    --embed-certs >/dev/null
  k config set-credentials dev-admin --client-certificate="$state/admin.crt" --client-key="$state/admin.key" \
    --embed-certs >/dev/null
  k config set-context dev --cluster=dev --user=dev-admin --namespace=default >/dev/null
  k config use-context dev >/dev/null
  local t0=$SECONDS
  until k get --raw /readyz >/dev/null 2>&1; do
    ((SECONDS - t0 < 90)) || { log "kube-apiserver not ready after 90s"; return 1; }
    sleep 0.5
  done

  # CRDs before the controllers: the garbage collector discovers resource types when it starts
  k apply -k "$project/kubernetes/crd" >/dev/null
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null

  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$kc" --leader-elect=false \
    --secure-port=0 --controllers='*' --service-account-private-key-file="$state/sa.key" \
    --root-ca-file="$state/ca.crt" --enable-hostpath-provisioner=true --pvclaimbinder-sync-period=5s
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig="$kc" --leader-elect=false --secure-port=0
  # the e2e stages, slowed down so a person watching sees every phase
  sed 's/durationMilliseconds: 100$/durationMilliseconds: 3000/' "$here/kwok/stages.yaml" >"$state/stages.yaml"
  start kwok "$bin/kwok" --kubeconfig="$kc" --manage-all-nodes=true --cidr=10.244.0.0/16 \
    --node-lease-duration-seconds=40 --config="$state/stages.yaml"

  k apply -f - >/dev/null <<'YAML'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: hostpath
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/host-path
reclaimPolicy: Delete
volumeBindingMode: Immediate
YAML
  local i
  for i in 0 1 2; do
    k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/os: linux
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
YAML
  done
  k wait --for=condition=Ready node --all --timeout=60s >/dev/null
  # a namespace's ServiceAccount "default" comes from the controller manager: wait, pods need it
  until k -n default get serviceaccount default >/dev/null 2>&1; do sleep 0.5; done

  k apply -f "$project/kubernetes/samples/secret.yaml" -f "$project/kubernetes/samples/provider.yaml" \
    -f "$project/kubernetes/samples/config.yaml" >/dev/null
  trap - EXIT
  log "ready in $((SECONDS - t0))s: export KUBECONFIG=$kc"
  echo "$kc"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) if running; then echo "running: KUBECONFIG=$kc"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
