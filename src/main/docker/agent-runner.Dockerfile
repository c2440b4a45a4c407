# The default image of agent runs (agent-operator.default-image): git, ssh, curl (the publish step opens pull
# requests with it) and both agent CLIs, run as uid 1000.
# Build and push it to a registry your cluster pulls from, then point the operator at it:
#   docker build -f src/main/docker/agent-runner.Dockerfile -t REGISTRY/agent-runner:TAG .
#   helm/env: AGENT_OPERATOR_DEFAULT_IMAGE=REGISTRY/agent-runner:TAG
# Any image works as long as it has /bin/sh, git, ssh, curl, coreutils (the agent container's wrapper run-agent.sh uses
# timeout, tee, mkfifo; busybox's are not enough) and awk, and the CLI of the agent it runs on the PATH, and runs as a
# non-root user: Claude Code refuses --dangerously-skip-permissions as root.
# BASE_IMAGE: the tests build this file offline with buildah on a local stand-in (Debian bookworm with Node.js in
# /usr/local and a user 1000, as this image has; see src/test/cluster/images.sh).
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE}

RUN apt-get update \
 && apt-get install -y --no-install-recommends git openssh-client curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# Versions checked headless (see README); pin what you run.
ARG CLAUDE_CODE_VERSION=2.1.332
ARG OPENCODE_VERSION=1.18.33
RUN npm install -g "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" "opencode-ai@${OPENCODE_VERSION}" \
 && npm cache clean --force

# the node image's "node" user is uid/gid 1000, the uid the operator runs agent pods as
USER 1000:1000
WORKDIR /workspace
