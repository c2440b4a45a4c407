#!/usr/bin/env bash
# Tier 4's local cluster: the control plane of dev-cluster.sh (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler from build.sh) and ONE REAL NODE: Debian's containerd + runc with their own state, the bridge CNI
# plugin, the kubelet and kube-proxy (nftables mode) built from the same Kubernetes modules, and kube-network-policies
# (sigs.k8s.io/kube-network-policies, nftables + NFQUEUE) enforcing NetworkPolicies beside the bridge. Pods really run.
#
#   real-node.sh up [--egress] [IMAGE_ARCHIVE...]
#                                       start it (or reuse the running one), import docker-archives (images.sh) into
#                                       its containerd; prints KUBECONFIG=, NODE_IP=, STATE= lines on stdout.
#                                       --egress (dev.sh --real-node): pods may reach the internet (your git host,
#                                       your provider's API) through NAT and the host's DNS servers. Tests never use it.
#   real-node.sh import ARCHIVE...      import more images into the running node
#   real-node.sh down                   stop it and undo every change it made to the machine (idempotent; works
#                                       after a killed up)
#   real-node.sh status                 says whether it runs
#
# Needs root (cgroups, mounts, links, iptables) and the Debian packages containerd runc containernetworking-plugins
# iptables nftables conntrack gcc buildah mmdebstrap (images), and Go for build.sh. Exits 3 naming what is missing.
#
# The machine (see the project notes on a real node): cgroup v1 hybrid without systemd (cgroupfs driver), no
# CAP_SYS_RESOURCE (containerd's restrict_oom_score_adj, kubelet/kube-proxy oomScoreAdj 0), no dummy interface (the
# node IP is the bridge's own address, set before the kubelet starts). Pods reach the host's servers on the bridge
# address, $NODE_IP, and nothing else: no masquerade, no DNS, and traffic from the bridge to any other interface is
# dropped, so pod traffic stays on the machine (unless --egress).
#
# Every change to the machine is written to $state/changes BEFORE it is made; down undoes them in reverse order,
# so it also cleans up after an up that was killed half-way. State: ${REAL_NODE_DIR:-$cache/real-node}.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
cache=${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}
state=${REAL_NODE_DIR:-$cache/real-node}
kc=$state/kubeconfig
NODE_NAME=real-node
BRIDGE=aonode0
NODE_IP=10.88.0.1
POD_SUBNET=10.88.0.0/24
SERVICE_RANGE=10.0.0.0/24
KUBERNETES_SERVICE_IP=10.0.0.1
CGROUP_ROOT=agent-operator-node
NETPOL_QUEUE=100 # kube-network-policies' NFQUEUE (its default)
# kernel settings the kubelet, kube-proxy and the bridge plugin may change; restored on down
SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.ip_forward net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
  net.bridge.bridge-nf-call-ip6tables net.netfilter.nf_conntrack_max)
# paths the tools write to whatever their configuration says; removed on down if up found them absent
HARDCODED_PATHS=(/var/lib/kubelet /var/log/containers /var/log/pods /var/lib/cni /run/containerd /var/run/netns
  /var/lib/containers)

# shellcheck source=lib.sh
. "$here/lib.sh"

log() { echo "real-node: $*" >&2; }

running() {
  [[ -f $state/pids && -f $state/ready ]] || return 1
  local name pid
  while read -r name pid; do
    alive "$pid" || return 1
  done <"$state/pids"
}

# --- changes to the machine, recorded before they are made (record, in lib.sh) -------------------------------------

# unmount PATH: a pod's network namespace can stay busy for a few seconds after its processes were killed (seen once
# right after a test run: umount and umount -l both refused, a second down a minute later succeeded), so retry
unmount() {
  local try
  for try in 1 2 3 4 5 6 7 8 9 10; do
    umount "$1" 2>/dev/null || umount -l "$1" 2>/dev/null || ! mountpoint -q "$1" && return 0
    sleep 1
  done
  return 1
}

undo() { # KIND ARGS...
  local kind=$1
  shift
  case $kind in
    sysctl) # NAME VALUE: the value before up
      [[ $(sysctl -n "$1" 2>/dev/null) == "$2" ]] || sysctl -qw "$1=$2" || log "cannot restore $1=$2" ;;
    path) # containerd makes /var/run/netns a bind mount of itself: unmount what is mounted at or under the path
      local m
      for m in $(awk -v p="$(realpath -m "$1")" '$5 == p || index($5, p "/") == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        unmount "$m" || log "cannot unmount $m"
      done
      rm -rf "$1" ;;
    link) if ip link show "$1" >/dev/null 2>&1; then ip link delete "$1"; fi ;;
    route) ip route del "$@" 2>/dev/null || true ;;
    iptables) # -t TABLE CHAIN RULE...
      while iptables -w "${@:1:2}" -C "${@:3}" 2>/dev/null; do iptables -w "${@:1:2}" -D "${@:3}"; done ;;
    nft-table) if nft list table "$@" >/dev/null 2>&1; then nft delete table "$@"; fi ;;
    cgroup) local d
      for d in /sys/fs/cgroup/*/"$1"; do
        [[ -d $d ]] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
      done ;;
    netns) local ns
      for ns in /var/run/netns/*; do
        [[ -e $ns ]] || continue
        grep -qxF "$(basename "$ns")" "$state/netns.before" 2>/dev/null && continue
        unmount "$ns" || true
        rm -f "$ns"
      done ;;
    *) log "unknown change '$kind $*'" ;;
  esac
}

still_there() { # KIND ARGS...: whether the change is still in place after undo (prints what)
  local kind=$1
  shift
  case $kind in
    sysctl) [[ $(sysctl -n "$1" 2>/dev/null) == "$2" ]] || echo "sysctl $1 is $(sysctl -n "$1"), was $2" ;;
    path) [[ ! -e $1 ]] || echo "path $1" ;;
    link) ! ip link show "$1" >/dev/null 2>&1 || echo "link $1" ;;
    route) ! ip route show "$@" 2>/dev/null | grep -q . || echo "route $*" ;;
    iptables) ! iptables -w "${@:1:2}" -C "${@:3}" 2>/dev/null || echo "iptables rule ${*:3}" ;;
    nft-table) ! nft list table "$@" >/dev/null 2>&1 || echo "nft table $*" ;;
    cgroup) local d
      for d in /sys/fs/cgroup/*/"$1"; do [[ ! -d $d ]] || echo "cgroup $d"; done ;;
  esac
}

# --- processes (started with start, in lib.sh) ---------------------------------------------------------------------
kill_pod_processes() {
  # every process in the node's cgroup tree: the containers (and anything they started)
  local f pid
  for f in /sys/fs/cgroup/pids/$CGROUP_ROOT /sys/fs/cgroup/unified/$CGROUP_ROOT; do
    [[ -d $f ]] || continue
    for pid in $(find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  # containerd's shims outlive containerd by design (they are reparented to init): each names our socket in its
  # command line, "-address $state/containerd.sock", and nothing else does
  local cmdline
  for f in /proc/[0-9]*/cmdline; do
    cmdline=$( (tr '\0' ' ' <"$f") 2>/dev/null) || continue
    if [[ $cmdline == *containerd-shim*" -address $state/containerd.sock "* ]]; then
      pid=${f#/proc/}
      kill -KILL "${pid%/cmdline}" 2>/dev/null || true
    fi
  done
}

unmount_state() {
  # deepest first; containerd's overlay rootfs mounts, the kubelet's tmpfs volumes
  local m
  for m in $(awk -v p="$state/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
  done
}

down() {
  [[ -d $state ]] || return 0
  local t0=$SECONDS
  if [[ -f $state/pids ]]; then
    local name pid
    # reverse start order: node agents and the provisioner, then containerd, then the control plane
    while read -r name pid; do
      if [[ $name == containerd ]]; then kill_pod_processes; fi
      local t=$SECONDS
      stop_pid "$pid"
      ((SECONDS - t < 3)) || log "$name took $((SECONDS - t))s to stop"
    done < <(tac "$state/pids")
  fi
  kill_pod_processes
  unmount_state
  log "stopped in $((SECONDS - t0))s"
  local residue=
  if [[ -f $state/changes ]]; then
    local line
    # every change is undone even when one cannot be: what stays is reported below
    while read -r line; do
      eval "undo $line" || log "cannot undo: $line"
    done < <(tac "$state/changes")
    while read -r line; do
      residue+=$(eval "still_there $line")
    done <"$state/changes"
  fi
  # any process still naming the state dir (a component, a shim) is one of ours that survived
  local f cmdline
  for f in /proc/[0-9]*/cmdline; do
    cmdline=$( (tr '\0' ' ' <"$f") 2>/dev/null) || continue
    [[ $cmdline != *"$state/"* ]] || residue+="process ${f//[!0-9]/}: $cmdline"$'\n'
  done
  if [[ -n $residue ]]; then
    log "down left this behind:"$'\n'"$residue"
    return 1
  fi
  if awk -v p="$state/" 'index($5, p) == 1 {found=1} END {exit !found}' /proc/self/mountinfo; then
    log "mounts remain under $state; not removing it"
    return 1
  fi
  rm -rf "$state"
  log "down in $((SECONDS - t0))s"
}

need() {
  local missing=()
  [[ $(id -u) == 0 ]] || missing+=("root")
  local t
  for t in containerd containerd-shim-runc-v2 runc iptables nft conntrack ip; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  # kube-network-policies hands each new connection of a pod under a NetworkPolicy to userspace through NFQUEUE
  [[ -e /proc/net/netfilter/nfnetlink_queue ]] || modprobe nfnetlink_queue 2>/dev/null ||
    missing+=("the kernel's nfnetlink_queue (NFQUEUE)")
  for t in bridge host-local loopback; do
    [[ -x /usr/lib/cni/$t ]] || missing+=("/usr/lib/cni/$t (containernetworking-plugins)")
  done
  [[ -d /sys/fs/cgroup/memory || -f /sys/fs/cgroup/cgroup.controllers ]] || missing+=("cgroups")
  if ((${#missing[@]})); then
    log "missing: ${missing[*]}"
    exit 3
  fi
}

up() {
  egress=false
  if [[ ${1:-} == --egress ]]; then
    egress=true
    shift
  fi
  if running; then
    log "already running"
    import "$@"
    print_env
    return
  fi
  need
  down
  local bin
  bin=${TEST_BED_BIN:-$("$here/build.sh" | tail -n 1)} # TEST_BED_BIN: an already built bin directory
  mkdir -p "$state"
  chmod 0755 "$state"
  cd "$state"
  trap 'rc=$?; if ((rc != 0)); then log "failed; logs in $state"; tail -n 20 "$state"/*.log >&2 || true; fi' EXIT
  local t0=$SECONDS

  # -- the machine, before anything runs
  local s p
  for s in "${SYSCTLS[@]}"; do
    if v=$(sysctl -n "$s" 2>/dev/null); then record sysctl "$s" "$v"; fi
  done
  for p in "${HARDCODED_PATHS[@]}"; do
    [[ -e $p ]] || record path "$p"
  done
  ls /var/run/netns 2>/dev/null >"$state/netns.before" || true
  record netns
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    record link "$BRIDGE"
    ip link add "$BRIDGE" type bridge
  fi
  ip addr replace "$NODE_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # no route to the service range but through kube-proxy's DNAT: never out of the machine
  record route blackhole "$SERVICE_RANGE"
  ip route replace blackhole "$SERVICE_RANGE"
  if $egress; then
    local rule=(-t nat POSTROUTING -s "$POD_SUBNET" ! -o "$BRIDGE" -m comment --comment "agent-operator real node: egress" -j MASQUERADE)
    record iptables "${rule[@]}"
    iptables -w "${rule[@]:0:2}" -A "${rule[@]:2}"
    record sysctl net.ipv4.ip_forward "$(sysctl -n net.ipv4.ip_forward)"
    sysctl -qw net.ipv4.ip_forward=1
  else
    local rule=(-t filter FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -m comment --comment "agent-operator real node: pod traffic stays on this machine" -j DROP)
    record iptables "${rule[@]}"
    iptables -w "${rule[@]:0:2}" -I "${rule[@]:2:1}" 1 "${rule[@]:3}"
  fi
  record nft-table ip kube-proxy
  record nft-table ip6 kube-proxy
  record cgroup "$CGROUP_ROOT"
  for s in /sys/fs/cgroup/*/; do
    [[ -f $s/cgroup.procs ]] || continue
    mkdir -p "$s$CGROUP_ROOT"
    if [[ -f $s/cpuset.cpus ]]; then # a new v1 cpuset is empty until given its parent's cpus and mems
      cat "$s/cpuset.cpus" >"$s$CGROUP_ROOT/cpuset.cpus"
      cat "$s/cpuset.mems" >"$s$CGROUP_ROOT/cpuset.mems"
    fi
  done

  # -- control plane
  make_certs "$state" real-node-admin "IP:$NODE_IP,IP:$KUBERNETES_SERVICE_IP,DNS:kubernetes.default.svc"
  issue_cert "$state" kubelet "/CN=$NODE_NAME" "IP:$NODE_IP,DNS:$NODE_NAME"
  issue_cert "$state" node "/O=system:nodes/CN=system:node:$NODE_NAME"
  issue_cert "$state" kube-proxy "/CN=system:kube-proxy"
  issue_cert "$state" kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  local etcd_port peer_port api_port
  etcd_port=$(free_port)
  peer_port=$(free_port)
  start etcd "$bin/etcd" --name=node --data-dir="$state/etcd" --unsafe-no-fsync --log-level=warn \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="node=http://127.0.0.1:$peer_port"
  api_port=$(free_port)
  # on the bridge address: the host's clients and the pods (through the kubernetes Service) use the same endpoint
  start kube-apiserver "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port="$api_port" \
    --cert-dir="$state/apiserver-certs" --tls-cert-file="$state/apiserver.crt" \
    --tls-private-key-file="$state/apiserver.key" --client-ca-file="$state/ca.crt" \
    --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --service-cluster-ip-range="$SERVICE_RANGE" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$state/sa.pub" --service-account-signing-key-file="$state/sa.key" \
    --kubelet-client-certificate="$state/kubelet-client.crt" --kubelet-client-key="$state/kubelet-client.key" \
    --kubelet-certificate-authority="$state/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --allow-privileged=true --profiling=false

  kubeconfig "$kc" admin
  kubeconfig "$state/node.kubeconfig" node
  kubeconfig "$state/kube-proxy.kubeconfig" kube-proxy
  k() { "$bin/kubectl" --kubeconfig="$kc" "$@"; }
  until k get --raw /readyz >/dev/null 2>&1; do
    ((SECONDS - t0 < 90)) || { log "kube-apiserver not ready after 90s"; return 1; }
    sleep 0.5
  done
  # CRDs before the controllers: the garbage collector discovers resource types when it starts
  k apply -k "$project/kubernetes/crd" >/dev/null
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null
  # kube-proxy's user may read Services and EndpointSlices (system:node-proxier), as kubeadm grants
  k create clusterrolebinding real-node-proxier --clusterrole=system:node-proxier --user=system:kube-proxy >/dev/null

  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$kc" --leader-elect=false \
    --secure-port=0 --controllers='*' --service-account-private-key-file="$state/sa.key" \
    --root-ca-file="$state/ca.crt" --use-service-account-credentials=true --pvclaimbinder-sync-period=5s
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig="$kc" --leader-elect=false --secure-port=0

  # -- the node: containerd, CNI, kubelet, kube-proxy
  mkdir -p "$state/cni" "$state/containerd" "$state/kubelet" "$state/certs.d"
  cat >"$state/cni/10-agent-node.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "agent-node",
  "plugins": [{
    "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": false, "hairpinMode": true,
    "ipam": {"type": "host-local", "dataDir": "$state/cni-ipam",
      "ranges": [[{"subnet": "$POD_SUBNET", "gateway": "$NODE_IP", "rangeStart": "${NODE_IP%.*}.10"}]],
      "routes": [{"dst": "0.0.0.0/0"}]}
  }]
}
JSON
  # containerd's root (its image store) is a cache that outlives down: importing and unpacking the runner image
  # takes most of a minute; what runs (tasks, mounts) lives in the state dir
  local images_root=$cache/real-node-images
  mkdir -p "$images_root"
  local pause_ref
  pause_ref=$("$here/images.sh" pause | sed -n 's/^pause=//p')
  cat >"$state/containerd.toml" <<TOML
version = 2
root = "$images_root"
state = "$state/containerd-state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$state/containerd.sock"
[ttrpc]
  address = "$state/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_ref"
  # without it every sandbox fails: runc cannot lower oom_score_adj without CAP_SYS_RESOURCE
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni"
  [plugins."io.containerd.grpc.v1.cri".registry]
    # a hosts.toml per registry, read at each pull (olm.sh adds its registry, plain HTTP, and makes it ghcr.io's mirror)
    config_path = "$state/certs.d"
TOML
  start containerd containerd --config "$state/containerd.toml"
  ctr() { command ctr --address "$state/containerd.sock" -n k8s.io "$@"; }
  until ctr version >/dev/null 2>&1; do
    ((SECONDS - t0 < 120)) || { log "containerd not up"; return 1; }
    sleep 0.2
  done
  # containers of an earlier run that was killed: the kubelet would try to clean up pods of another cluster
  local id
  for id in $(ctr containers ls -q); do
    ctr containers rm "$id" >/dev/null 2>&1 || true
    ctr snapshots rm "$id" >/dev/null 2>&1 || true
  done
  # the sandbox image before the kubelet starts; the others while it registers
  import "$("$here/images.sh" pause | sed -n 's/^pause_ARCHIVE=//p')"

  if $egress; then # the host's servers (systemd-resolved's upstream ones where 127.0.0.53 is the host's)
    local resolv=/etc/resolv.conf
    [[ -f /run/systemd/resolve/resolv.conf ]] && resolv=/run/systemd/resolve/resolv.conf
    cp "$resolv" "$state/resolv.conf"
  else
    # pods ask their own loopback, where nothing answers: lookups fail at once and nothing leaves the machine (with
    # no nameserver at all, containerd would give pods the host's resolv.conf)
    printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$state/resolv.conf"
  fi
  local kubelet_port
  kubelet_port=$(free_port)
  cat >"$state/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $kubelet_port
readOnlyPort: 0
healthzPort: 0
tlsCertFile: $state/kubelet.crt
tlsPrivateKeyFile: $state/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $state/ca.crt}
authorization: {mode: Webhook}
containerRuntimeEndpoint: unix://$state/containerd.sock
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
failSwapOn: false
failCgroupV1: false
oomScoreAdj: 0
resolvConf: $state/resolv.conf
podLogsDir: $state/pod-logs
maxPods: 40
serializeImagePulls: false
imageGCHighThresholdPercent: 100
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%}
nodeStatusReportFrequency: 10s
YAML
  start kubelet "$bin/kubelet" --config="$state/kubelet.yaml" --kubeconfig="$state/node.kubeconfig" \
    --root-dir="$state/kubelet" --cert-dir="$state/kubelet-certs" --node-ip="$NODE_IP" \
    --hostname-override="$NODE_NAME" --v=1
  cat >"$state/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
hostnameOverride: $NODE_NAME
bindAddress: $NODE_IP
clusterCIDR: $POD_SUBNET
healthzBindAddress: 127.0.0.1:$(free_port)
metricsBindAddress: 127.0.0.1:$(free_port)
oomScoreAdj: 0
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
YAML
  start kube-proxy "$bin/kube-proxy" --config="$state/kube-proxy.yaml"
  # NetworkPolicy enforcement, as a host process with the admin kubeconfig (the DaemonSet's role): it queues the new
  # connections from and to the node's pods that a NetworkPolicy selects (its nftables table "kube-network-policies",
  # postrouting hook) to NFQUEUE $NETPOL_QUEUE and gives each a verdict; everything else passes untouched. -v=2 logs
  # every verdict.
  record nft-table inet kube-network-policies
  local netpol_start=$SECONDS
  start network-policies "$bin/kube-network-policies" -kubeconfig="$kc" -hostname-override="$NODE_NAME" \
    -nfqueue-id="$NETPOL_QUEUE" -metrics-bind-address="127.0.0.1:$(free_port)" -v=2
  import "$@"

  # workspaces: a local-path provisioner (like Rancher's) whose dirs uid 1000 can write
  k apply -f - >/dev/null <<'YAML'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: agent.xonovex.com/test-bed-local-path
reclaimPolicy: Delete
volumeBindingMode: WaitForFirstConsumer
YAML
  start provisioner "$here/node/local-path-provisioner.sh" "$bin/kubectl" "$kc" "$state/volumes" "$NODE_NAME"

  until k get "node/$NODE_NAME" >/dev/null 2>&1; do
    ((SECONDS - t0 < 300)) || { log "node $NODE_NAME not registered"; return 1; }
    sleep 0.5
  done
  k wait --for=condition=Ready "node/$NODE_NAME" --timeout=120s >/dev/null 2>&1 || {
    k get nodes -o wide >&2 || true
    log "node $NODE_NAME not Ready"
    return 1
  }
  until k -n default get serviceaccount default >/dev/null 2>&1; do sleep 0.5; done
  # it listens on its queue once its informers have synced (and stops if it cannot)
  local netpol_pid waited=$SECONDS waited_exact=$EPOCHREALTIME
  netpol_pid=$(awk '$1 == "network-policies" {print $2}' "$state/pids")
  until awk -v q="$NETPOL_QUEUE" '$1 == q {found = 1} END {exit !found}' /proc/net/netfilter/nfnetlink_queue; do
    alive "$netpol_pid" || { log "kube-network-policies stopped"; return 1; }
    ((SECONDS - waited < 60)) || { log "kube-network-policies not listening on its queue after 60s"; return 1; }
    sleep 0.2
  done
  if nft_queue_works; then
    until nft list table inet kube-network-policies >/dev/null 2>&1; do
      ((SECONDS - waited < 60)) || { log "kube-network-policies made no nftables table in 60s"; return 1; }
      sleep 0.2
    done
  else
    # Its table cannot exist on a kernel without nftables' queue expression (CONFIG_NFT_QUEUE; the project's machines
    # have none and load no modules): the kernel refuses the whole table, "netlink receive: no such file or directory"
    # in its log at each sync. The xtables NFQUEUE target (iptables-nft through nft_compat) works there: the same
    # hook (postrouting, before source NAT) sends the new connections of every pod, except from root's own sockets
    # as its table does, to its queue; it accepts those of pods no NetworkPolicy selects. No --queue-bypass: while
    # nothing listens, those connections are dropped, not let through.
    local dir rule
    for dir in -s -d; do
      rule=(-t mangle POSTROUTING "$dir" "$POD_SUBNET" -m conntrack --ctstate NEW -m owner ! --uid-owner 0
        -m comment --comment "agent-operator real node: kube-network-policies' verdict" -j NFQUEUE --queue-num "$NETPOL_QUEUE")
      record iptables "${rule[@]}"
      iptables -w "${rule[@]:0:2}" -A "${rule[@]:2}"
    done
    log "kube-network-policies: no nftables queue expression in this kernel, its queue fed by iptables' NFQUEUE target"
  fi
  log "kube-network-policies enforcing $((SECONDS - netpol_start))s after its start; up waited $(awk -v a="$waited_exact" \
    -v b="$EPOCHREALTIME" 'BEGIN {printf "%.2f", b - a}')s for it"
  touch "$state/ready"
  trap - EXIT
  log "ready in $((SECONDS - t0))s: export KUBECONFIG=$kc"
  print_env
}

# whether nftables has its queue expression (the kernel's nft_queue): a rule in a scratch table, never hooked
nft_queue_works() {
  local table=agent-operator-queue-probe ok=0
  record nft-table inet "$table"
  nft add table inet "$table" && nft add chain inet "$table" probe &&
    nft add rule inet "$table" probe queue num "$NETPOL_QUEUE" 2>/dev/null || ok=1
  nft delete table inet "$table" 2>/dev/null || true
  return "$ok"
}

kubeconfig() { # FILE USER: a kubeconfig for the API server ($api_port of up) with USER.crt/key
  local file=$1 user=$2
  "$bin/kubectl" --kubeconfig="$file" config set-cluster real-node --server="https://$NODE_IP:$api_port" \
    --certificate-authority="$state/ca.crt" --embed-certs >/dev/null
  "$bin/kubectl" --kubeconfig="$file" config set-credentials "$user" --client-certificate="$state/$user.crt" \
    --client-key="$state/$user.key" --embed-certs >/dev/null
  "$bin/kubectl" --kubeconfig="$file" config set-context real-node --cluster=real-node --user="$user" \
    --namespace=default >/dev/null
  "$bin/kubectl" --kubeconfig="$file" config use-context real-node >/dev/null
}

import() { # ARCHIVE... into the node's containerd (k8s.io namespace, where the kubelet looks)
  local a ref
  for a in "$@"; do
    [[ -n $a ]] || continue
    # images.sh names an archive agent-NAME-KEY.tar after the image it holds, localhost/agent-NAME:KEY
    ref=$(basename "$a" | sed -n 's/^\(.*\)-\([0-9a-f]\{16\}\)\.tar$/localhost\/\1:\2/p')
    local have
    have=$(command ctr --address "$state/containerd.sock" -n k8s.io images ls -q)
    if [[ -n $ref ]] && grep -qxF "$ref" <<<"$have"; then
      continue
    fi
    # an image keeps one version in the store: drop the others of the same name (containerd then frees their layers)
    if [[ -n $ref ]]; then
      local old
      for old in $(grep "^${ref%:*}:" <<<"$have" || true); do
        command ctr --address "$state/containerd.sock" -n k8s.io images rm "$old" >/dev/null || true
      done
    fi
    local t=$SECONDS
    command ctr --address "$state/containerd.sock" -n k8s.io images import "$a" >/dev/null
    log "imported $(basename "$a") in $((SECONDS - t))s"
  done
}

print_env() {
  echo "STATE=$state"
  echo "NODE_IP=$NODE_IP"
  echo "KUBECONFIG=$kc"
}

case ${1:-} in
  up) shift; up "$@" ;;
  import) shift; running || { log "not running"; exit 1; }; import "$@" ;;
  down) down ;;
  status) if running; then echo "running: KUBECONFIG=$kc"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 up [IMAGE_ARCHIVE...]|import ARCHIVE...|down|status" >&2; exit 2 ;;
esac
