# Shared by the git-clone and publish scripts: Scripts.java puts this file in front of each of them, so both run
# git the same hardened way and take credentials the same way. It only sets variables and defines functions.
#
# Whatever runs here holds credentials, so it must never execute anything that a repository or the agent wrote:
# - no system or global git config (GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL=/dev/null), so the only config is the
#   repository's own, which these scripts create themselves, plus the settings below;
# - every git call goes through g(), which disables hooks (core.hooksPath=/dev/null) and fsmonitor (a command in
#   config), and turns off automatic gc and maintenance, which could leave a detached background process behind;
# - only the transport of the repository's URL is allowed (GIT_ALLOW_PROTOCOL, see allow_repo_protocol): no file://,
#   ext::, git:// or http://, not for redirects and not for submodules (which are never cloned anyway);
# - no filter, textconv or diff driver is ever configured, so .gitattributes naming one has no effect;
# - the current directory is $HOME, never the workspace, so no relative PATH entry can find a program there.
set -eu
cd -- "${HOME:?HOME must be set}"
export GIT_TERMINAL_PROMPT=0
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
# Variables that would point git at another repository or add config; the Job sets none of them.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_COMMON_DIR \
  GIT_CONFIG GIT_CONFIG_PARAMETERS GIT_CONFIG_COUNT GIT_EXEC_PATH GIT_TEMPLATE_DIR GIT_SSH GIT_PROXY_COMMAND \
  GIT_ASKPASS SSH_ASKPASS GIT_EXTERNAL_DIFF GIT_PAGER GIT_EDITOR
export GIT_CREDENTIALS_DIR="${GIT_CREDENTIALS_DIR:-/etc/agent-operator/git-credentials}"

# Every git command of these scripts.
g() {
  git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c core.untrackedCache=false \
    -c gc.auto=0 -c gc.autoDetach=false -c maintenance.auto=false \
    -c submodule.recurse=false -c fetch.recurseSubmodules=false -c advice.detachedHead=false "$@"
}

# Checks GIT_REPO_URL's form (the CRD already allows only these) and allows git exactly that transport.
allow_repo_protocol() { # $1: log prefix
  case "$GIT_REPO_URL" in
    https://*) GIT_ALLOW_PROTOCOL=https ;;
    ssh://*) GIT_ALLOW_PROTOCOL=ssh ;;
    -* | *://* | *::*) GIT_ALLOW_PROTOCOL= ;;
    *:*)
      # scp-like user@host:path: git reads it as ssh only when no "/" comes before the first ":"
      case "${GIT_REPO_URL%%:*}" in
        '' | */*) GIT_ALLOW_PROTOCOL= ;;
        *) GIT_ALLOW_PROTOCOL=ssh ;;
      esac ;;
    *) GIT_ALLOW_PROTOCOL= ;;
  esac
  if [ -z "$GIT_ALLOW_PROTOCOL" ]; then
    echo "$1: the repository URL must be https://, ssh:// or user@host:path" >&2
    return 1
  fi
  export GIT_ALLOW_PROTOCOL
}

# Credentials from the files of the mounted Secret (keys token, username, password, ssh-privatekey, known_hosts).
# They never enter argv, a URL, a repository's config or the log.
setup_git_credentials() { # $1: log prefix
  _creds="$GIT_CREDENTIALS_DIR"
  if [ -r "$_creds/token" ] || [ -r "$_creds/password" ]; then
    # A credential helper given through the environment: active for this script's git commands, stored nowhere.
    # It answers only for the repository's own host, so a redirect elsewhere never receives the credentials.
    case "$GIT_REPO_URL" in
      https://*) _rest="${GIT_REPO_URL#*://}"; export GIT_CREDENTIAL_HOST="${_rest%%/*}" ;;
      *) export GIT_CREDENTIAL_HOST="" ;;
    esac
    export GIT_CONFIG_COUNT=1
    export GIT_CONFIG_KEY_0=credential.helper
    export GIT_CONFIG_VALUE_0='!f() { test "$1" = get || exit 0; h=; while IFS= read -r l; do case "$l" in host=*) h="${l#host=}";; esac; done; test -n "$h" && test "$h" = "$GIT_CREDENTIAL_HOST" || exit 0; c=$GIT_CREDENTIALS_DIR; u=x-access-token; if [ -r "$c/username" ]; then u=$(cat "$c/username"); fi; if [ -r "$c/token" ]; then p=$(cat "$c/token"); else p=$(cat "$c/password"); fi; printf "username=%s\npassword=%s\n" "$u" "$p"; }; f'
    echo "$1: using https credentials from the credentials Secret"
  fi
  if [ -r "$_creds/ssh-privatekey" ]; then
    # $HOME is this container's own volume: the agent container never mounts it.
    mkdir -p -- "$HOME/.ssh"
    (umask 077 && cp -- "$_creds/ssh-privatekey" "$HOME/.ssh/id" && touch -- "$HOME/.ssh/known_hosts")
    _hostcheck=yes
    if [ -r "$_creds/known_hosts" ]; then
      cp -- "$_creds/known_hosts" "$HOME/.ssh/known_hosts"
    else
      _hostcheck=accept-new
      echo "$1: warning: the credentials Secret has no known_hosts; trusting the server's host key on first use" >&2
    fi
    export GIT_SSH_COMMAND="ssh -i $HOME/.ssh/id -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -o StrictHostKeyChecking=$_hostcheck"
    echo "$1: using the ssh key from the credentials Secret"
  fi
}
