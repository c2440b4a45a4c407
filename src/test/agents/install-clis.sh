#!/usr/bin/env bash
# Installs the agent CLIs that AgentCliHeadlessTest runs, at pinned versions, from npm only, into
#   ${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}/agent-clis/<name>-<version>/
# An installation is used only when complete: npm installs into a temporary directory that is renamed at the end.
# Prints one bin directory per line (claude first, then opencode). Messages go to stderr.
set -euo pipefail

CLAUDE_VERSION="${CLAUDE_CODE_VERSION:-2.1.332}"
OPENCODE_VERSION="${OPENCODE_VERSION:-1.18.33}"
CACHE="${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}/agent-clis"

log() { echo "install-clis: $*" >&2; }

command -v npm >/dev/null || { log "npm not found"; exit 2; }
mkdir -p "$CACHE"

# install NAME VERSION PACKAGE BINARY
install_cli() {
    local name="$1" version="$2" package="$3" binary="$4"
    local dir="$CACHE/$name-$version"
    if [[ ! -x "$dir/node_modules/.bin/$binary" ]]; then
        local tmp
        tmp="$(mktemp -d "$CACHE/.$name-$version.XXXXXX")"
        log "npm install $package@$version into $dir"
        local start=$SECONDS
        if ! npm install --prefix "$tmp" --no-audit --no-fund --no-save --loglevel=error \
                "$package@$version" >&2; then
            rm -rf "$tmp"
            log "npm install $package@$version failed"
            exit 3
        fi
        chmod 755 "$tmp"    # mktemp makes it 0700; the CLIs may run as an unprivileged user
        rm -rf "$dir"
        mv "$tmp" "$dir"
        log "installed $package@$version in $((SECONDS - start))s, $(du -sh "$dir" | cut -f1)"
    fi
    local got
    if ! got="$("$dir/node_modules/.bin/$binary" --version </dev/null 2>&1)"; then
        log "$binary --version failed: $got"
        exit 4
    fi
    [[ "$got" == *"$version"* ]] || { log "$binary --version says '$got', expected $version"; exit 4; }
    log "$binary --version: $got"
    echo "$dir/node_modules/.bin"
}

install_cli claude "$CLAUDE_VERSION" @anthropic-ai/claude-code claude
install_cli opencode "$OPENCODE_VERSION" opencode-ai opencode
