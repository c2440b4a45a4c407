#!/usr/bin/env bash
# Dev mode in one command: ./src/test/cluster/dev.sh [--local] [quarkus:dev options...]
# With a cluster configured (KUBECONFIG, or ~/.kube/config), runs ./mvnw quarkus:dev against it. Without one, or
# with --local, first starts the project's own local control plane (dev-cluster.sh: real API server, controllers
# and scheduler, simulated nodes and pods) and stops it again when dev mode ends.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)

local_cluster=false
if [[ ${1:-} == --local ]]; then
  local_cluster=true
  shift
elif [[ -z ${KUBECONFIG:-} && ! -f $HOME/.kube/config ]]; then
  local_cluster=true
fi

if $local_cluster; then
  kubeconfig=$("$here/dev-cluster.sh" up | tail -n 1)
  trap '"$here/dev-cluster.sh" down' EXIT
  export KUBECONFIG=$kubeconfig
  cat >&2 <<MSG
dev.sh: local control plane up; pods are simulated by kwok (no container runs). In another shell:
  export KUBECONFIG=$kubeconfig
  kubectl apply -f kubernetes/samples/run.yaml
  kubectl get agentruns -w
MSG
fi
cd "$project"
# dev mode applies the CRDs to the cluster it runs against (QOSDK, outside the prod profile)
./mvnw quarkus:dev "$@"
