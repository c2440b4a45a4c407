#!/usr/bin/env bash
# Dev mode in one command: ./src/test/cluster/dev.sh [--local | --real-node] [quarkus:dev options...]
# With a cluster configured (KUBECONFIG, or ~/.kube/config), runs ./mvnw quarkus:dev against it. Without one, or
# with --local, first starts the project's own local control plane (dev-cluster.sh: real API server, controllers
# and scheduler, simulated nodes and pods) and stops it again when dev mode ends.
# With --real-node (as root, on Linux): the local control plane with one real node (real-node.sh --egress) and the
# agent-runner image built from src/main/docker/agent-runner.Dockerfile (images.sh), so agent pods really run: they
# clone your repository and call your provider over the internet. With ANTHROPIC_API_KEY set, it also creates the
# Secret "anthropic" and the AgentProvider "anthropic" (claude and opencode) in the default namespace.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)

mode=configured
case ${1:-} in
  --local) mode=local; shift ;;
  --real-node) mode=real-node; shift ;;
  *) if [[ -z ${KUBECONFIG:-} && ! -f $HOME/.kube/config ]]; then mode=local; fi ;;
esac

case $mode in
  local)
    kubeconfig=$("$here/dev-cluster.sh" up | tail -n 1)
    trap '"$here/dev-cluster.sh" down' EXIT
    export KUBECONFIG=$kubeconfig
    cat >&2 <<MSG
dev.sh: local control plane up; pods are simulated by kwok (no container runs). In another shell:
  export KUBECONFIG=$kubeconfig
  kubectl apply -f kubernetes/samples/run.yaml
  kubectl get agentruns -w
MSG
    ;;
  real-node)
    images=$("$here/images.sh" runner pause)
    runner=$(sed -n 's/^runner=//p' <<<"$images")
    # stop it when dev mode ends (also when the start fails half-way: down undoes what up did)
    trap '"$here/real-node.sh" down' EXIT
    node=$("$here/real-node.sh" up --egress "$(sed -n 's/^runner_ARCHIVE=//p' <<<"$images")")
    export KUBECONFIG=$(sed -n 's/^KUBECONFIG=//p' <<<"$node")
    # runs that name no image use the image just built (the operator's agent-operator.default-image)
    export AGENT_OPERATOR_DEFAULT_IMAGE=$runner
    kubectl() { "$(dirname "$("$here/build.sh" | tail -n 1)")/bin/kubectl" "$@"; }
    if [[ -n ${ANTHROPIC_API_KEY:-} ]]; then
      kubectl create secret generic anthropic --from-literal=api-key="$ANTHROPIC_API_KEY" \
        --dry-run=client -o yaml | kubectl apply -f - >/dev/null
      kubectl apply -f - >/dev/null <<'YAML'
apiVersion: agent.xonovex.com/v1alpha1
kind: AgentProvider
metadata:
  name: anthropic
spec:
  displayName: Anthropic
  authTokenSecretRef: {name: anthropic, key: api-key}
  # Claude Code sends ANTHROPIC_API_KEY as x-api-key, as the Anthropic API expects an API key
  authTokenEnv: ANTHROPIC_API_KEY
YAML
      provider="the AgentProvider \"anthropic\" (your ANTHROPIC_API_KEY) is ready"
    else
      provider="set ANTHROPIC_API_KEY before dev.sh to get an AgentProvider \"anthropic\", or create one (README)"
    fi
    cat >&2 <<MSG
dev.sh: local control plane with a real node up; agent pods run $runner for real. $provider. In another shell:
  export KUBECONFIG=$KUBECONFIG
  kubectl apply -f - <<'YAML'
  apiVersion: agent.xonovex.com/v1alpha1
  kind: AgentRun
  metadata: {name: first-run}
  spec:
    agent: claude
    providerRef: anthropic
    repository: {url: https://github.com/OWNER/REPO.git}
    prompt: "Describe this repository in NOTES.md"
    timeout: 15m
  YAML
  kubectl get agentruns -w; kubectl logs job/first-run -c agent -f
MSG
    ;;
esac
cd "$project"
# dev mode applies the CRDs to the cluster it runs against (QOSDK, outside the prod profile)
./mvnw quarkus:dev "$@"
