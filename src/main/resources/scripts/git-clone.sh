
# Clones the run's repository into the workspace volume (init container "git-clone").
# Every user value arrives in an environment variable, is only expanded inside double quotes, and reaches git after
# "--" or attached to its option ("--branch=..."), so it can never become an option or shell code.
# Credentials are read from files mounted from repository.credentialsSecretRef; they never enter argv, the URL,
# .git/config or this log, and the agent container does not get them.
#
# Workspace identity: the workspace belongs to exactly one run, named by AGENT_RUN_UID (the AgentRun's
# metadata.uid), recorded in $WORKSPACE/.agent-operator/run-uid when the workspace is first used. A workspace of
# another run (another UID, or files without a marker, e.g. a volume left over from a deleted run of the same name)
# is refused and left as it is. This run's finished clone (marker "cloned", written last) is kept without running
# git in it: the agent may have written anything there, including hooks and config that run commands. This run's
# unfinished clone (no "cloned") was never handed to the agent and is removed and made again.
#
# The commit the agent starts from is recorded in $CLONE_STATE_DIR (an emptyDir that only this container and the
# publish container mount), where the agent cannot change it.
me=git-clone
: "${WORKSPACE:?WORKSPACE must be set}" "${GIT_REPO_URL:?GIT_REPO_URL must be set}"
run_uid="${AGENT_RUN_UID:-}"
case "$run_uid" in
  '' | *[!0-9A-Za-z-]*)
    echo "$me: AGENT_RUN_UID must be set to the run's UID" >&2
    exit 1 ;;
esac
marks="$WORKSPACE/.agent-operator"
state="${CLONE_STATE_DIR:-/var/run/agent-operator/clone}"
repo="$WORKSPACE/repo"
worktree="$WORKSPACE/worktree"
# The clone is made here and renamed to $repo only once it is complete.
partial="$WORKSPACE/.repo.partial"

# Prints each entry of the workspace but the directory lost+found (which a fresh ext4 volume has), one per line.
workspace_entries() {
  for f in "$WORKSPACE"/* "$WORKSPACE"/.[!.]* "$WORKSPACE"/..?*; do
    if [ "$f" = "$WORKSPACE/lost+found" ] && [ -d "$f" ] && [ ! -L "$f" ]; then
      continue
    fi
    if [ -e "$f" ] || [ -L "$f" ]; then
      printf '%s\n' "$f"
    fi
  done
}

# The UID recorded in the workspace, "none" without a marker, or "invalid" for a marker that is not a plain file
# holding a UID. The marker is read only when it is a regular file (not a symlink, FIFO or device: the agent may
# have replaced it with a link to a secret, which would then end up in this log), and at most 100 bytes of it.
recorded_uid() {
  if [ ! -e "$marks" ] && [ ! -L "$marks" ]; then
    echo none
  elif [ -L "$marks" ] || [ ! -d "$marks" ]; then
    echo invalid
  elif [ ! -e "$marks/run-uid" ] && [ ! -L "$marks/run-uid" ]; then
    echo none
  elif [ -L "$marks/run-uid" ] || [ ! -f "$marks/run-uid" ]; then
    echo invalid
  else
    _uid=$(dd if="$marks/run-uid" bs=100 count=1 2>/dev/null) || _uid=
    case "$_uid" in
      '' | *[!0-9A-Za-z-]*) echo invalid ;;
      *) printf '%s\n' "$_uid" ;;
    esac
  fi
}

# Removes everything in the workspace but lost+found and the run-uid marker. rm -rf never follows symlinks; the
# chmod lets it empty directories that were left without write permission.
clean_workspace() {
  # a glob, not a list of lines: names may hold newlines
  for f in "$WORKSPACE"/* "$WORKSPACE"/.[!.]* "$WORKSPACE"/..?*; do
    if { [ -e "$f" ] || [ -L "$f" ]; } && [ "$f" != "$WORKSPACE/lost+found" ] && [ "$f" != "$marks" ]; then
      if [ -d "$f" ] && [ ! -L "$f" ]; then
        find "$f" -type d ! -perm -700 -exec chmod u+rwx -- {} \; 2>/dev/null || true
      fi
      rm -rf -- "$f"
    fi
  done
  rm -f -- "$marks/cloned" "$marks/base-commit"
}

owner=$(recorded_uid)
if [ "$owner" = "$run_uid" ]; then
  if [ -f "$marks/cloned" ]; then
    # Not a single git command here: the agent has had the workspace, and git would read its config and hooks.
    echo "$me: the workspace holds this run's finished clone (run $run_uid); keeping it as it is, without running git in it"
    if [ ! -s "$state/base-commit" ]; then
      echo "$me: warning: the trusted base commit of this clone is not known in this pod ($state); publishing will refuse" >&2
    fi
    echo "$me: done"
    exit 0
  fi
  echo "$me: the workspace holds an unfinished clone of this run (run $run_uid); removing it and cloning again"
  clean_workspace
elif [ "$owner" = none ]; then
  if [ -n "$(workspace_entries)" ]; then
    echo "$me: the workspace is not empty and has no run marker ($marks/run-uid), so it may hold another run's files; this run is $run_uid; refusing to use it" >&2
    exit 1
  fi
  mkdir -p -- "$marks"
  printf '%s\n' "$run_uid" > "$marks/run-uid"
  echo "$me: the workspace is new; it now belongs to run $run_uid"
elif [ "$owner" = invalid ]; then
  echo "$me: the workspace's run marker ($marks/run-uid) is not a file holding a run UID; this run is $run_uid; refusing to use the workspace" >&2
  exit 1
else
  echo "$me: the workspace belongs to run $owner, not to this run $run_uid; refusing to use it" >&2
  exit 1
fi

allow_repo_protocol "$me"
setup_git_credentials "$me"

rm -f -- "$state/base-commit" "$state/base-branch"
if [ -n "${GIT_COMMIT:-}" ]; then
  echo "$me: cloning at commit $GIT_COMMIT"
  g clone --no-checkout -- "$GIT_REPO_URL" "$partial"
  if ! g -C "$partial" cat-file -e "$GIT_COMMIT^{commit}" 2>/dev/null; then
    g -C "$partial" fetch -- origin "$GIT_COMMIT"
  fi
  g -C "$partial" checkout --detach "$GIT_COMMIT" --
elif [ -n "${GIT_BRANCH:-}" ]; then
  echo "$me: cloning branch $GIT_BRANCH"
  g clone --branch="$GIT_BRANCH" -- "$GIT_REPO_URL" "$partial"
else
  echo "$me: cloning the default branch"
  g clone -- "$GIT_REPO_URL" "$partial"
fi
mv -- "$partial" "$repo"
# The branch the work is based on: the checked-out one (none for a commit), or the worktree's source branch.
base_branch=$(g -C "$repo" symbolic-ref -q --short HEAD) || base_branch=
checkout="$repo"

if [ -n "${GIT_WORKTREE_BRANCH:-}" ]; then
  g check-ref-format --branch "$GIT_WORKTREE_BRANCH" >/dev/null
  start=HEAD
  if [ -n "${GIT_WORKTREE_SOURCE:-}" ]; then
    g check-ref-format --branch "$GIT_WORKTREE_SOURCE" >/dev/null
    start="origin/$GIT_WORKTREE_SOURCE"
    base_branch="$GIT_WORKTREE_SOURCE"
  fi
  echo "$me: creating worktree branch $GIT_WORKTREE_BRANCH from $start"
  g -C "$repo" worktree add -b "$GIT_WORKTREE_BRANCH" -- "$worktree" "$start"
  checkout="$worktree"
fi

base_commit=$(g -C "$checkout" rev-parse --verify 'HEAD^{commit}')
mkdir -p -- "$state"
printf '%s\n' "$base_commit" > "$state/base-commit"
if [ -n "$base_branch" ]; then
  printf '%s\n' "$base_branch" > "$state/base-branch"
else
  : > "$state/base-branch" # detached: no branch
fi
# For humans only; publish reads the copy in $CLONE_STATE_DIR, which the agent cannot change.
printf '%s\n' "$base_commit" > "$marks/base-commit"
echo "$me: the agent starts from commit $base_commit${base_branch:+ (branch $base_branch)}"
# The very last step: from now on a rerun keeps this workspace.
: > "$marks/cloned"
echo "$me: done"
