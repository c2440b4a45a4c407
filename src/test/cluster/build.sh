#!/usr/bin/env bash
# Builds a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl), the node components of tier 4's real node (kubelet, kube-proxy, kube-network-policies), and kwok
# from Go modules -- no prebuilt downloads -- into
#   ${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}/k8s-<version>/bin/
# and links etcd, kube-apiserver and kubectl where io.fabric8:kube-api-test looks for them:
#   ${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}/k8s/<version without v>-linux-<arch>/
#
# Each binary is built only when missing, into a temporary directory and moved into place at
# the end, so an interrupted build never leaves a half-written binary behind. A cold build
# (empty Go build cache) took ~6 minutes on 2 cores, plus module downloads on a fresh machine;
# a run with everything present builds nothing and takes well under a second.
# Logs go to stderr; the last line on stdout is the bin directory.
#
# Module versions are pinned by k8s/go.mod, etcd/go.mod and kwok/go.mod (with go.sum);
# bumping Kubernetes means changing K8S_VERSION here and regenerating k8s/go.mod's replaces
# and etcd/go.mod's etcd version from the release's own go.mod.
set -euo pipefail

K8S_VERSION=v1.34.4   # k8s.io/kubernetes, and v0.34.4 for its staging modules
ETCD_VERSION=v3.6.4   # go.etcd.io/etcd/server/v3, as pinned by k8s.io/kubernetes v1.34.4
KWOK_VERSION=v0.7.0   # sigs.k8s.io/kwok
HELM_VERSION=v3.19.0  # helm.sh/helm/v3, for the Helm chart's tests
OLM_API_VERSION=v0.31.0  # github.com/operator-framework/api, whose operator-verify validates the OLM bundle
# tier 4's install through OLM (olm-runtime/go.mod): OLM's operators, opm, a registry, the catalog pod's probe
OLM_VERSION=v0.38.0                # github.com/operator-framework/operator-lifecycle-manager
OPM_VERSION=v1.61.0                # github.com/operator-framework/operator-registry, as OLM v0.38.0 requires it
REGISTRY_VERSION=v3.0.0            # github.com/distribution/distribution/v3 (v3.1 needs Go 1.26)
GRPC_HEALTH_PROBE_VERSION=v0.4.42  # github.com/grpc-ecosystem/grpc-health-probe
# tier 4's NetworkPolicy enforcement (netpol/go.mod): nftables + NFQUEUE, beside the bridge CNI plugin
KUBE_NETWORK_POLICIES_VERSION=v0.8.0  # sigs.k8s.io/kube-network-policies

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}
bin=$cache/k8s-$K8S_VERSION/bin

log() { echo "build.sh: $*" >&2; }

# The pins in this script and in the go.mod files must agree.
grep -q "^require k8s.io/kubernetes $K8S_VERSION\$" "$here/k8s/go.mod" || { log "k8s/go.mod does not require k8s.io/kubernetes $K8S_VERSION"; exit 1; }
grep -q "^require go.etcd.io/etcd/server/v3 $ETCD_VERSION\$" "$here/etcd/go.mod" || { log "etcd/go.mod does not require etcd $ETCD_VERSION"; exit 1; }
grep -q "^require sigs.k8s.io/kwok $KWOK_VERSION\$" "$here/kwok/go.mod" || { log "kwok/go.mod does not require kwok $KWOK_VERSION"; exit 1; }
grep -q "^require helm.sh/helm/v3 $HELM_VERSION\$" "$here/helm/go.mod" || { log "helm/go.mod does not require helm $HELM_VERSION"; exit 1; }
grep -q "^require github.com/operator-framework/api $OLM_API_VERSION\$" "$here/olm/go.mod" || { log "olm/go.mod does not require operator-framework/api $OLM_API_VERSION"; exit 1; }
for pin in "github.com/operator-framework/operator-lifecycle-manager $OLM_VERSION" \
  "github.com/operator-framework/operator-registry $OPM_VERSION" "github.com/distribution/distribution/v3 $REGISTRY_VERSION" \
  "github.com/grpc-ecosystem/grpc-health-probe $GRPC_HEALTH_PROBE_VERSION"; do
  grep -qP "^\t\Q$pin\E\$" "$here/olm-runtime/go.mod" || { log "olm-runtime/go.mod does not require $pin"; exit 1; }
done
grep -qP "^\t\Qsigs.k8s.io/kube-network-policies $KUBE_NETWORK_POLICIES_VERSION\E\$" "$here/netpol/go.mod" ||
  { log "netpol/go.mod does not require kube-network-policies $KUBE_NETWORK_POLICIES_VERSION"; exit 1; }

# This module set stands alone: no go.work from a parent directory.
export GOWORK=off

mkdir -p "$bin"
# Temp dirs left by a run killed with SIGKILL (none younger than a build could be).
find "$bin" -maxdepth 1 -name '.build.*' -mmin +180 -exec rm -rf {} + 2>/dev/null || true

tmp=
cleanup() { if [[ -n $tmp ]]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

missing() { # names... -> prints those not yet in $bin
  local b
  for b in "$@"; do [[ -x $bin/$b ]] || echo "$b"; done
}

# go_build MODULE_DIR LDFLAGS TAGS BINARY=PACKAGE...
# Builds each package (later ones reuse the Go build cache) into a temp dir next to $bin,
# then moves all binaries into place only after every build succeeded.
go_build() {
  local dir=$1 ldflags=$2 tags=$3
  shift 3
  local spec name pkg start
  tmp=$(mktemp -d "$bin/.build.XXXXXX")
  start=$SECONDS
  for spec in "$@"; do
    name=${spec%%=*} pkg=${spec#*=}
    log "building $name ($pkg)"
    # -mod=readonly: go.mod/go.sum are committed and complete; never rewrite them.
    # -buildvcs=false: don't stamp (or need) the enclosing project's git state.
    (cd "$dir" && CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -trimpath ${tags:+-tags "$tags"} \
      -ldflags "$ldflags" -o "$tmp/$name" "$pkg")
  done
  for spec in "$@"; do
    name=${spec%%=*}
    mv -f "$tmp/$name" "$bin/$name"
  done
  rm -rf "$tmp"
  tmp=
  log "built $* in $((SECONDS - start))s"
}

# --- Kubernetes -----------------------------------------------------------------------------
mapfile -t todo < <(missing kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
if ((${#todo[@]})); then
  # Like hack/lib/golang.sh + hack/lib/version.sh of the release (non-debug build). The build
  # date is the release commit's time from the module proxy, so rebuilds are reproducible.
  build_date=$(cd "$here/k8s" && go list -mod=readonly -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)
  minor=${K8S_VERSION#v1.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for pkgpath in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkgpath.gitVersion=$K8S_VERSION -X $pkgpath.gitMajor=1 -X $pkgpath.gitMinor=$minor"
    ldflags+=" -X $pkgpath.gitTreeState=clean -X $pkgpath.buildDate=$build_date"
  done
  specs=()
  for b in "${todo[@]}"; do specs+=("$b=k8s.io/kubernetes/cmd/$b"); done
  go_build "$here/k8s" "$ldflags" selinux,notest,grpcnotrace "${specs[@]}"
fi

# --- etcd -----------------------------------------------------------------------------------
if [[ -n $(missing etcd) ]]; then
  # etcd's own ./build sets version.GitSHA from git; there is no git checkout here.
  go_build "$here/etcd" "-s -w" "" etcd=go.etcd.io/etcd/server/v3
fi

# --- kwok -----------------------------------------------------------------------------------
if [[ -n $(missing kwok) ]]; then
  # consts.Version defaults to the release's version; hack/releases.sh adds nothing else needed.
  go_build "$here/kwok" "-s -w" "" kwok=sigs.k8s.io/kwok/cmd/kwok
fi

# --- helm -----------------------------------------------------------------------------------
if [[ -n $(missing helm) ]]; then
  go_build "$here/helm" "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "" helm=helm.sh/helm/v3/cmd/helm
fi

# --- OLM bundle validator -------------------------------------------------------------------
if [[ -n $(missing operator-verify) ]]; then
  go_build "$here/olm" "-s -w" "" operator-verify=github.com/operator-framework/api/cmd/operator-verify
fi

# --- OLM, opm, a registry: tier 4 installs the bundle through OLM -----------------------------
mapfile -t todo < <(missing olm catalog cpb copy-content opm registry grpc_health_probe svc-proxy)
if ((${#todo[@]})); then
  # as upstream builds them (CGO_ENABLED=0, tag json1; opm also containers_image_openpgp, which keeps gpgme's cgo
  # out), stamped with their versions
  olm_pkg=github.com/operator-framework/operator-lifecycle-manager
  opm_pkg=github.com/operator-framework/operator-registry
  specs=()
  for b in "${todo[@]}"; do
    case $b in
      olm | catalog | copy-content) specs+=("$b=$olm_pkg/cmd/$b") ;;
      cpb) specs+=("cpb=$olm_pkg/util/cpb") ;;
      svc-proxy) specs+=("svc-proxy=./svcproxy") ;; # the test bed's own: resolves Service names for the catalog operator
      *) ;;
    esac
  done
  if ((${#specs[@]})); then
    go_build "$here/olm-runtime" "-s -w -X $olm_pkg/pkg/version.OLMVersion=$OLM_VERSION" json1 "${specs[@]}"
  fi
  if [[ " ${todo[*]} " == *" opm "* ]]; then
    go_build "$here/olm-runtime" "-s -w -X $opm_pkg/cmd/opm/version.opmVersion=$OPM_VERSION" \
      json1,containers_image_openpgp opm=$opm_pkg/cmd/opm
  fi
  if [[ " ${todo[*]} " == *" registry "* ]]; then
    go_build "$here/olm-runtime" "-s -w -X github.com/distribution/distribution/v3/version.version=$REGISTRY_VERSION" "" \
      registry=github.com/distribution/distribution/v3/cmd/registry
  fi
  if [[ " ${todo[*]} " == *" grpc_health_probe "* ]]; then
    go_build "$here/olm-runtime" "-s -w" "" grpc_health_probe=github.com/grpc-ecosystem/grpc-health-probe
  fi
fi

# --- NetworkPolicy enforcement on tier 4's real node ------------------------------------------
if [[ -n $(missing kube-network-policies) ]]; then
  # the module's controller (pkg/networkpolicy) behind a main that takes a kubeconfig (netpol/main.go): upstream's
  # cmd/main.go only reads a ServiceAccount token from the in-cluster path
  go_build "$here/netpol" "-s -w" "" kube-network-policies=.
fi

# --- io.fabric8:kube-api-test offline layout -----------------------------------------------
# kube-api-test 7.3.1 (BinaryManager.findTargetBinariesIfAvailable, Utils.platformSuffix, OSInfo,
# Binaries) uses ${KUBE_API_TEST_DIR:-~/.kubeapitest}/k8s/<version><-os-arch>/{etcd,kube-apiserver,kubectl}:
# with no version configured it takes the newest directory ending in -linux-<arch>, comparing
# versions with Integer.parseInt on each dot-separated part, so the name must be plain
# "1.34.4" (a "v" or "-suffix" there would break it for every directory). It downloads only if
# no such directory exists. Its arch mapping: aarch64 -> arm64, everything else -> amd64.
kat_dir=${KUBE_API_TEST_DIR:-$HOME/.kubeapitest}
case $(uname -m) in
  aarch64 | arm64) kat_arch=arm64 ;;
  *) kat_arch=amd64 ;;
esac
kat_bin=$kat_dir/k8s/${K8S_VERSION#v}-linux-$kat_arch
mkdir -p "$kat_bin"
for b in etcd kube-apiserver kubectl; do
  if [[ $(readlink "$kat_bin/$b" 2>/dev/null || true) != "$bin/$b" ]]; then
    ln -sfn "$bin/$b" "$kat_bin/$b"
    log "linked $kat_bin/$b -> $bin/$b"
  fi
done

echo "$bin"
