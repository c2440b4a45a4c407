#!/usr/bin/env bash
# OLM (Operator Lifecycle Manager v0) on tier 4's real node, built offline, so that the operator can be installed the
# way users install it: a catalog image, a CatalogSource, an OperatorGroup and a Subscription.
#
#   olm.sh up                     on the running node (real-node.sh up):
#                                 - a container registry (distribution) on the node's address, $NODE_IP:5000, plain
#                                   HTTP, its storage a cache; containerd pulls from it, and takes ghcr.io's images from
#                                   it too (a mirror: the bundle's CSV names ghcr.io/xonovex/agent-operator, unchanged);
#                                 - OLM's CRDs and OLMConfig, the namespaces olm (restricted) and operators with
#                                   upstream's OperatorGroups (global-operators, olm-operators);
#                                 - OLM's operators olm and catalog as processes, as the test bed runs the controller
#                                   manager, with the admin kubeconfig; each in its own network namespace on the node's
#                                   bridge, because both serve health and metrics on :8080 of every address and cannot
#                                   be told otherwise. The catalog operator reaches a catalog's registry pod at
#                                   NAME.NAMESPACE.svc:50051, which only cluster DNS resolves; there is none here, so it
#                                   dials through svc-proxy (GRPC_PROXY=socks5://...), the way OLM supports a catalog
#                                   operator outside the cluster it manages: the proxy resolves the Service.
#                                 - the olm-tools image (images.sh) pushed, as OLM's util and opm image.
#                                 Prints REGISTRY=, OLM_TOOLS=, OLM_NAMESPACE=, OPERATORS_NAMESPACE=, OPM=.
#   olm.sh push SRC DEST          pushes an image of images.sh's store (localhost/agent-NAME:KEY) to the registry, as
#                                 DEST: REGISTRY/PATH:TAG, or ghcr.io/PATH:TAG (stored as REGISTRY/PATH:TAG, the mirror);
#                                 prints DIGEST=
#   olm.sh bundle DIR REF         builds the bundle image from DIR/bundle.Dockerfile (context DIR), pushes it as REF
#                                 (REGISTRY/... or ghcr.io/...); prints BUNDLE=, DIGEST=
#   olm.sh catalog REPO CHANNEL BUNDLE_REF...
#                                 a file-based catalog made with opm as a user makes one (init the package, render each
#                                 bundle image, a channel whose entries each replace the one before: the upgrade
#                                 graph, oldest first; an entry whose CSV has an olm.skipRange annotation gets it as
#                                 its skipRange), validated, built from the Dockerfile opm generates on the olm-tools
#                                 image, pushed as REGISTRY/REPO:<hash of the catalog>, unless already there; prints
#                                 CATALOG=
#
# Everything it starts or changes goes into real-node.sh's records (lib.sh's start and record): real-node.sh down stops
# the processes and undoes the rest. Binaries from build.sh, the olm-tools image from images.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
cache=${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}
state=${REAL_NODE_DIR:-$cache/real-node}
images=$cache/images
kc=$state/kubeconfig
NODE_IP=10.88.0.1
BRIDGE=aonode0
REGISTRY=$NODE_IP:5000
OLM_NAMESPACE=olm
OPERATORS_NAMESPACE=operators
# the network namespaces of OLM's two operators: name, address on the bridge (below the pods' range, .10 and up)
NETNS_OLM=(ao-olm 10.88.0.2)
NETNS_CATALOG=(ao-catalog 10.88.0.3)

# shellcheck source=lib.sh
. "$here/lib.sh"

log() { echo "olm.sh: $*" >&2; }
b() { buildah --root "$images/storage" --runroot "$images/run" --storage-driver overlay "$@"; }
k() { "$bin/kubectl" --kubeconfig="$kc" "$@"; }

node_running() {
  "$here/real-node.sh" status >/dev/null 2>&1 || { log "the real node is not running (real-node.sh up)"; exit 1; }
}

bin=${TEST_BED_BIN:-}
need_bin() { [[ -n $bin ]] || bin=$("$here/build.sh" | tail -n 1); }

alive_named() { # NAME: a process of that name in the node's pid file is alive
  local name pid
  [[ -f $state/pids ]] || return 1
  while read -r name pid; do
    [[ $name == "$1" ]] && alive "$pid" && return 0
  done <"$state/pids"
  return 1
}

# netns NAME IP: a network namespace attached to the node's bridge with address IP (a process there may bind any port
# without taking it from the machine), kept by a bind mount in the state dir ($state/olm/netns-NAME) that real-node.sh
# down unmounts with the rest of the state dir, which frees the namespace and its veth pair. Not `ip netns add`: that
# makes /var/run/netns (which containerd bind-mounts onto itself) a shared mount, after which containerd could not
# remove its pods' namespaces ("remove netns: unlinkat /var/run/netns/cni-...: device or resource busy"): a deleted
# pod stayed Running and real-node.sh down left the mount behind.
netns() {
  local name=$1 ip=$2 veth=${1}0 file=$state/olm/netns-$1
  if mountpoint -q "$file" 2>/dev/null; then return; fi
  record link "$veth"
  touch "$file"
  unshare --net="$file" true
  # the veth pair made inside, its other end moved to this shell's (the machine's) namespace
  in_netns "$name" ip link add eth0 type veth peer name "$veth" netns "$$"
  ip link set "$veth" master "$BRIDGE" up
  in_netns "$name" ip addr add "$ip/24" dev eth0
  in_netns "$name" ip link set lo up
  in_netns "$name" ip link set eth0 up
  in_netns "$name" ip route add default via "$NODE_IP"
}

in_netns() { # NAME COMMAND...: runs COMMAND in netns NAME (only the network namespace: no mount namespace of its own)
  local file=$state/olm/netns-$1
  shift
  nsenter --net="$file" "$@"
}

# an image of images.sh's store in buildah's storage (from its docker-archive when only that is left)
local_image() {
  local ref=$1 archive
  b inspect --type image "$ref" >/dev/null 2>&1 && return
  archive=$images/$(sed -n 's/^localhost\/\(.*\):\([0-9a-f]\{16\}\)$/\1-\2.tar/p' <<<"$ref")
  [[ -f $archive ]] || { log "no image $ref (images.sh builds it)"; exit 2; }
  b pull -q "docker-archive:$archive" >/dev/null
}

target_of() { # DEST -> where it is stored in the registry
  case $1 in
    "$REGISTRY"/*) echo "$1" ;;
    ghcr.io/*) echo "$REGISTRY/${1#ghcr.io/}" ;;
    *) log "cannot push to $1: the registry serves $REGISTRY/... and (as a mirror) ghcr.io/..."; exit 2 ;;
  esac
}

push() { # SRC DEST
  local src=$1 target digest
  target=$(target_of "$2")
  local_image "$src"
  digest=$(mktemp)
  b push -q --tls-verify=false --digestfile "$digest" "$src" "docker://$target" >&2
  echo "DIGEST=$(cat "$digest")"
  rm -f "$digest"
}

up() {
  node_running
  need_bin
  if [[ -f $state/olm/ready ]] && alive_named olm && alive_named catalog && alive_named registry; then
    print_env
    return
  fi
  local t0=$SECONDS tools
  mkdir -p "$state/olm"
  tools=$("$here/images.sh" olm-tools | sed -n 's/^olm-tools=//p')

  # -- the registry, and containerd's view of it
  if ! alive_named registry; then
    cat >"$state/olm/registry.yml" <<YAML
version: 0.1
log: {level: warn, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $cache/olm-registry}
  maintenance: {uploadpurging: {enabled: false}}
http:
  addr: $REGISTRY
  secret: $(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
YAML
    OTEL_TRACES_EXPORTER=none start registry "$bin/registry" serve "$state/olm/registry.yml"
    until curl -sf -o /dev/null "http://$REGISTRY/v2/"; do
      ((SECONDS - t0 < 60)) || { log "the registry did not answer on $REGISTRY"; tail -n 20 "$state/registry.log" >&2; exit 1; }
      sleep 0.2
    done
  fi
  mkdir -p "$state/certs.d/$REGISTRY" "$state/certs.d/ghcr.io"
  cat >"$state/certs.d/$REGISTRY/hosts.toml" <<TOML
server = "http://$REGISTRY"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
TOML
  cat >"$state/certs.d/ghcr.io/hosts.toml" <<TOML
server = "https://ghcr.io"
[host."http://$REGISTRY"]
  capabilities = ["pull", "resolve"]
TOML
  # images an earlier run left in containerd's store (a cache) would be used without a pull: remove them, so that
  # the node pulls what the registry holds now, as a fresh node would
  local ref
  for ref in $(command ctr --address "$state/containerd.sock" -n k8s.io images ls -q); do
    case $ref in
      "$REGISTRY"/* | ghcr.io/xonovex/*) command ctr --address "$state/containerd.sock" -n k8s.io images rm "$ref" >/dev/null ;;
    esac
  done
  push "$tools" "$REGISTRY/olm-tools:${tools##*:}" >/dev/null

  # -- OLM's API and namespaces, as upstream's quickstart makes them
  local olm_dir
  olm_dir=$(cd "$here/olm-runtime" && GOWORK=off GOFLAGS=-mod=readonly go list -m -f '{{.Dir}}' \
    github.com/operator-framework/operator-lifecycle-manager)
  k apply --server-side --force-conflicts -f "$olm_dir/deploy/chart/crds/" >/dev/null
  k wait --for=condition=Established crd --all --timeout=60s >/dev/null
  k apply --server-side -f - >/dev/null <<YAML
apiVersion: v1
kind: Namespace
metadata:
  name: $OLM_NAMESPACE
  labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/enforce-version: latest}
---
apiVersion: v1
kind: Namespace
metadata:
  name: $OPERATORS_NAMESPACE
  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: latest}
---
apiVersion: operators.coreos.com/v1
kind: OLMConfig
metadata: {name: cluster}
---
apiVersion: operators.coreos.com/v1
kind: OperatorGroup
metadata: {name: global-operators, namespace: $OPERATORS_NAMESPACE}
---
apiVersion: operators.coreos.com/v1
kind: OperatorGroup
metadata: {name: olm-operators, namespace: $OLM_NAMESPACE}
spec:
  targetNamespaces: [$OLM_NAMESPACE]
YAML

  # -- OLM's operators
  netns "${NETNS_OLM[@]}"
  netns "${NETNS_CATALOG[@]}"
  alive_named olm || start olm env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy KUBECONFIG="$kc" \
    nsenter --net="$state/olm/netns-${NETNS_OLM[0]}" "$bin/olm" --namespace "$OLM_NAMESPACE" --writeStatusName ""
  alive_named svc-proxy || start svc-proxy nsenter --net="$state/olm/netns-${NETNS_CATALOG[0]}" "$bin/svc-proxy" \
    --kubeconfig "$kc" --listen 127.0.0.1:1080
  alive_named catalog || start catalog env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy \
    GRPC_PROXY=socks5://127.0.0.1:1080 nsenter --net="$state/olm/netns-${NETNS_CATALOG[0]}" "$bin/catalog" --kubeconfig "$kc" \
    --namespace "$OLM_NAMESPACE" --opmImage "$REGISTRY/olm-tools:${tools##*:}" \
    --util-image "$REGISTRY/olm-tools:${tools##*:}" --set-workload-user-id=true --writeStatusName ""
  local ns
  for ns in "${NETNS_OLM[0]}" "${NETNS_CATALOG[0]}"; do
    until in_netns "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 && printf "GET /healthz HTTP/1.0\r\n\r\n" >&3 &&
        head -n 1 <&3 | grep -q " 200"' 2>/dev/null; do
      ((SECONDS - t0 < 180)) || { log "OLM's operators are not healthy"; tail -n 20 "$state/olm.log" "$state/catalog.log" >&2; exit 1; }
      alive_named olm && alive_named catalog && alive_named svc-proxy || {
        log "an OLM process ended"
        tail -n 20 "$state/olm.log" "$state/catalog.log" "$state/svc-proxy.log" >&2
        exit 1
      }
      sleep 0.5
    done
  done
  echo "$tools" >"$state/olm/tools"
  touch "$state/olm/ready"
  log "OLM up in $((SECONDS - t0))s"
  print_env
}

print_env() {
  echo "REGISTRY=$REGISTRY"
  echo "OLM_TOOLS=$REGISTRY/olm-tools:$(sed 's/.*://' "$state/olm/tools")"
  echo "OLM_NAMESPACE=$OLM_NAMESPACE"
  echo "OPERATORS_NAMESPACE=$OPERATORS_NAMESPACE"
  echo "OPM=$bin/opm"
}

bundle() { # DIR REF
  local dir=$1 ref=$2 tmp
  [[ -f $dir/bundle.Dockerfile ]] || { log "no $dir/bundle.Dockerfile"; exit 2; }
  tmp=localhost/agent-bundle-build:$$
  b bud -q --isolation chroot --pull=never --layers=false -f "$dir/bundle.Dockerfile" -t "$tmp" "$dir" >/dev/null
  push "$tmp" "$ref"
  b rmi "$tmp" >/dev/null
  echo "BUNDLE=$ref"
}

catalog() { # REPO CHANNEL BUNDLE_REF...
  local repo=$1 channel=$2
  shift 2
  need_bin
  local tools tmp i=0 ref pkg name previous= range key
  tools=$(cat "$state/olm/tools")
  tmp=$(mktemp -d "$state/olm/catalog.XXXXXX")
  mkdir "$tmp/catalog"
  for ref in "$@"; do
    # as large catalogs are today: the CSV's metadata in the catalog, the manifests in the bundle image, which OLM's
    # bundle unpack Job pulls (by default opm would inline every manifest as olm.bundle.object and no image is pulled)
    "$bin/opm" render --use-http --migrate-level bundle-object-to-csv-metadata "$ref" --output yaml \
      >"$tmp/bundle-$i.yaml" 2>"$tmp/opm.log" || {
      cat "$tmp/opm.log" >&2
      exit 1
    }
    i=$((i + 1))
  done
  pkg=$(sed -n 's/^package: //p' "$tmp/bundle-0.yaml")
  {
    "$bin/opm" init "$pkg" --default-channel "$channel" --output yaml
    cat "$tmp"/bundle-*.yaml
    printf -- '---\nschema: olm.channel\npackage: %s\nname: %s\nentries:\n' "$pkg" "$channel"
    for ((i = 0; i < $#; i++)); do
      name=$(sed -n 's/^name: //p' "$tmp/bundle-$i.yaml")
      printf '  - name: %s\n' "$name"
      [[ -z $previous ]] || printf '    replaces: %s\n' "$previous"
      # the CSV's olm.skipRange annotation (in its olm.csv.metadata), as the entry's skipRange: the versions it
      # upgrades directly, whatever the channel held before
      range=$(sed -n "s/^ *olm\.skipRange: *//p" "$tmp/bundle-$i.yaml" | head -n 1)
      range=${range#[\'\"]}
      range=${range%[\'\"]}
      [[ -z $range ]] || printf "    skipRange: '%s'\n" "$range"
      previous=$name
    done
  } >"$tmp/catalog/index.yaml"
  "$bin/opm" validate "$tmp/catalog"
  key=$({ cat "$tmp/catalog/index.yaml"; echo "$tools"; } | sha256sum | cut -c1-16)
  if curl -sf -o /dev/null -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' "http://$REGISTRY/v2/$repo/manifests/$key"; then
    log "catalog $REGISTRY/$repo:$key is in the registry"
  else
    (cd "$tmp" && "$bin/opm" generate dockerfile catalog --base-image "$tools" --builder-image "$tools" >/dev/null)
    b bud -q --isolation chroot --pull=never --layers=false -f "$tmp/catalog.Dockerfile" -t "localhost/agent-catalog-build:$key" \
      "$tmp" >/dev/null
    push "localhost/agent-catalog-build:$key" "$REGISTRY/$repo:$key" >/dev/null
    b rmi "localhost/agent-catalog-build:$key" >/dev/null
    log "built catalog $REGISTRY/$repo:$key"
  fi
  rm -rf "$tmp"
  echo "CATALOG=$REGISTRY/$repo:$key"
}

case ${1:-} in
  up) up ;;
  push) (($# == 3)) || { echo "usage: $0 push SRC DEST" >&2; exit 2; }; node_running; push "$2" "$3" ;;
  bundle) (($# == 3)) || { echo "usage: $0 bundle DIR REF" >&2; exit 2; }; node_running; bundle "$2" "$3" ;;
  catalog) (($# >= 4)) || { echo "usage: $0 catalog REPO CHANNEL BUNDLE_REF..." >&2; exit 2; }; node_running; shift; catalog "$@" ;;
  *) echo "usage: $0 up|push SRC DEST|bundle DIR REF|catalog REPO CHANNEL BUNDLE_REF..." >&2; exit 2 ;;
esac
