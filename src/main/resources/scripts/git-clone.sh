# Clones the run's repository into the workspace volume (init container "git-clone").
# Every user value arrives in an environment variable, is only expanded inside double quotes, and reaches git after
# "--" or attached to its option ("--branch=..."), so it can never become an option or shell code.
# Credentials are read from files mounted from repository.credentialsSecretRef; they never enter argv, the URL,
# .git/config or this log, and the agent container does not get them.
set -eu
export GIT_TERMINAL_PROMPT=0
export GIT_CONFIG_NOSYSTEM=1
export GIT_CREDENTIALS_DIR="${GIT_CREDENTIALS_DIR:-/etc/agent-operator/git-credentials}"
creds="$GIT_CREDENTIALS_DIR"
repo="$WORKSPACE/repo"
# The clone is made here and renamed to $repo only once it is complete, so a rerun never keeps a half-made clone.
partial="$WORKSPACE/.repo.partial"

if [ -r "$creds/token" ] || [ -r "$creds/password" ]; then
  # A credential helper given through the environment: active for this script's git commands, stored nowhere.
  # It answers only for the repository's own host, so a redirect elsewhere never receives the credentials.
  case "$GIT_REPO_URL" in
    https://* | http://*) rest="${GIT_REPO_URL#*://}"; export GIT_CREDENTIAL_HOST="${rest%%/*}" ;;
    *) export GIT_CREDENTIAL_HOST="" ;;
  esac
  export GIT_CONFIG_COUNT=1
  export GIT_CONFIG_KEY_0=credential.helper
  export GIT_CONFIG_VALUE_0='!f() { test "$1" = get || exit 0; h=; while IFS= read -r l; do case "$l" in host=*) h="${l#host=}";; esac; done; test -n "$h" && test "$h" = "$GIT_CREDENTIAL_HOST" || exit 0; c=$GIT_CREDENTIALS_DIR; u=x-access-token; if [ -r "$c/username" ]; then u=$(cat "$c/username"); fi; if [ -r "$c/token" ]; then p=$(cat "$c/token"); else p=$(cat "$c/password"); fi; printf "username=%s\npassword=%s\n" "$u" "$p"; }; f'
  echo "git-clone: using https credentials from the credentials Secret"
fi

if [ -r "$creds/ssh-privatekey" ]; then
  mkdir -p "$HOME/.ssh"
  (umask 077 && cp "$creds/ssh-privatekey" "$HOME/.ssh/id" && touch "$HOME/.ssh/known_hosts")
  hostcheck=yes
  if [ -r "$creds/known_hosts" ]; then
    cp "$creds/known_hosts" "$HOME/.ssh/known_hosts"
  else
    hostcheck=accept-new
    echo "git-clone: warning: the credentials Secret has no known_hosts; trusting the server's host key on first use" >&2
  fi
  export GIT_SSH_COMMAND="ssh -i $HOME/.ssh/id -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile=$HOME/.ssh/known_hosts -o StrictHostKeyChecking=$hostcheck"
  echo "git-clone: using the ssh key from the credentials Secret"
fi

if [ -d "$repo/.git" ]; then
  echo "git-clone: the workspace already holds a clone; keeping it"
else
  rm -rf -- "$partial"
  if [ -n "${GIT_COMMIT:-}" ]; then
    echo "git-clone: cloning at commit $GIT_COMMIT"
    git clone --no-checkout -- "$GIT_REPO_URL" "$partial"
    if ! git -C "$partial" cat-file -e "$GIT_COMMIT^{commit}" 2>/dev/null; then
      git -C "$partial" fetch -- origin "$GIT_COMMIT"
    fi
    git -C "$partial" -c advice.detachedHead=false checkout --detach "$GIT_COMMIT" --
  elif [ -n "${GIT_BRANCH:-}" ]; then
    echo "git-clone: cloning branch $GIT_BRANCH"
    git clone --branch="$GIT_BRANCH" -- "$GIT_REPO_URL" "$partial"
  else
    echo "git-clone: cloning the default branch"
    git clone -- "$GIT_REPO_URL" "$partial"
  fi
  if [ -e "$repo" ]; then
    rmdir -- "$repo"
  fi
  mv -- "$partial" "$repo"
fi

if [ -n "${GIT_WORKTREE_BRANCH:-}" ]; then
  worktree="$WORKSPACE/worktree"
  git check-ref-format --branch "$GIT_WORKTREE_BRANCH" >/dev/null
  if [ -d "$worktree" ]; then
    echo "git-clone: the worktree already exists; keeping it"
  else
    start=HEAD
    if [ -n "${GIT_WORKTREE_SOURCE:-}" ]; then
      git check-ref-format --branch "$GIT_WORKTREE_SOURCE" >/dev/null
      start="origin/$GIT_WORKTREE_SOURCE"
    fi
    echo "git-clone: creating worktree branch $GIT_WORKTREE_BRANCH from $start"
    git -C "$repo" worktree add -b "$GIT_WORKTREE_BRANCH" -- "$worktree" "$start"
  fi
fi
echo "git-clone: done"
