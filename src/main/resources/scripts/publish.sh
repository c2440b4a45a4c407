
# Publishes what the agent produced (container "publish", after the agent container): one commit with the files of
# the agent's working tree on top of the trusted base commit, pushed to PUBLISH_BRANCH, optionally with a pull
# request (GitHub) or merge request (GitLab). Result: a one-line JSON termination message, see finish().
#
# The agent is untrusted and had the workspace: its .git may hold hooks and config that run commands (core.fsmonitor,
# core.sshCommand, credential helpers, filter drivers, include.path), its files may be symlinks to secrets, and it
# may have put an executable named git anywhere in it. So this script:
# - never uses the workspace's .git, nor the workspace's marker files: it makes a fresh repository of its own in
#   $HOME (a private volume) with git-common.sh's clean config, and fetches the base commit recorded by git-clone in
#   $CLONE_STATE_DIR (which the agent never mounts) from the remote;
# - imports the working tree with `git --git-dir=PRIVATE --work-tree=WORKDIR add -A`. git reads only the tree's files
#   then: it stores a symlink as a link (its target string), never follows one, neither for a file's content nor to
#   descend into a directory, never adds a path named .git, skips FIFOs and devices without opening them, and with no
#   filter driver configured anywhere it runs none, whatever .gitattributes says (eol/encoding conversions, which are
#   plain data transformations, still apply as they did on checkout, so unchanged files stay unchanged). This reads
#   the tree where it is, without a copy (the tree can be large), and honours .gitignore like a normal commit;
# - refuses a working tree that is itself a symlink or resolves elsewhere, symlinks whose target is absolute or
#   leaves the tree (rule SymlinkOutsideTree), and nested repositories (NestedRepository);
# - checks the change against the base: PUBLISH_MAX_FILES (MaxFilesExceeded), PUBLISH_MAX_BYTES (MaxBytesExceeded,
#   total size of the added and changed blobs), PUBLISH_PROTECTED_PATHS (ProtectedPath, for added, changed and
#   deleted paths);
# - commits with git commit-tree (plumbing: no hooks at all), pushes without force: a branch that exists with other
#   history is refused by the server and reported as Failed;
# - sends the pull request body exactly as the operator built it (PR_REQUEST_JSON) with curl, the token in a config
#   read from standard input, never in argv.
# The workspace is mounted read-only and is never the current directory. Credentials are handled by git-common.sh.
#
# Contract. Mounts: the workspace read-only at $WORKSPACE; the clone state (emptyDir written by git-clone) read-only
# at $CLONE_STATE_DIR (default /var/run/agent-operator/clone; files base-commit, base-branch); the repository's
# credentials Secret at $GIT_CREDENTIALS_DIR (default /etc/agent-operator/git-credentials; keys token, username,
# password, ssh-privatekey, known_hosts); a private writable $HOME and /tmp. It must start only after every process
# of the agent container has ended: git reads the tree where it is, so a file swapped for a symlink while it reads
# would be followed.
# Environment: GIT_REPO_URL, AGENT_WORKDIR ($WORKSPACE/repo or $WORKSPACE/worktree), PUBLISH_BRANCH,
# PUBLISH_ALLOW_BASE_BRANCH (true: allow the base branch and the remote's default branch), PUBLISH_COMMIT_MESSAGE,
# PUBLISH_AUTHOR_NAME, PUBLISH_AUTHOR_EMAIL (also the committer), PUBLISH_MAX_FILES, PUBLISH_MAX_BYTES (0 or unset:
# no limit), PUBLISH_PROTECTED_PATHS (newline-separated globs: ** any directories, * within one, case-insensitive; a
# pattern also covers everything below it), PR_PROVIDER (github|gitlab; unset: no request), PR_API_URL (https://),
# PR_REPOSITORY (GitHub owner/repo; GitLab URL-encoded path or id), PR_REQUEST_JSON (the request body, sent as it
# is), TERMINATION_LOG (default /dev/termination-log).
# Out: one JSON line in $TERMINATION_LOG with outcome Pushed|NoChanges|Refused|Failed|PullRequestFailed, rule,
# message, branch, commit, baseCommit, changedFiles, changedBytes, pullRequestURL (every key always present; strings
# empty when unknown); exit status 0 (Pushed, NoChanges), 2 (Refused), 3 (PullRequestFailed), 1 (Failed). Rules:
# Refused: InvalidBranch, BaseBranch, SymlinkOutsideTree, NestedRepository, ProtectedPath, MaxFilesExceeded,
# MaxBytesExceeded; Failed: InvalidSetting, NoBaseCommit, MissingWorkTree, FetchFailed, ImportFailed, PushFailed, or
# none (an unexpected error, named by the step it happened in).
me=publish
umask 077
tlog="${TERMINATION_LOG:-/dev/termination-log}"
state="${CLONE_STATE_DIR:-/var/run/agent-operator/clone}"
gd="$HOME/publish.git"
work="$HOME/publish.tmp"
finished=
step="starting"
commit=
base=
changed_files=0
changed_bytes=0
pr_url=

log() { printf '%s: %s\n' "$me" "$*"; }

# True when $1 contains the token or password of the credentials Secret (only then: an empty file matches nothing).
holds_secret() {
  for _f in "$GIT_CREDENTIALS_DIR/token" "$GIT_CREDENTIALS_DIR/password"; do
    if [ -r "$_f" ]; then
      _s=$(cat -- "$_f")
      if [ -n "$_s" ]; then
        case "$1" in *"$_s"*) return 0 ;; esac
      fi
    fi
  done
  return 1
}

# A JSON string literal of $1 whose content is at most $2 bytes: printable ASCII is kept ('"' and '\' escaped),
# control characters become spaces and other bytes "?", so the result is valid JSON whatever the input.
json() {
  S="$1" LC_ALL=C awk -v max="$2" 'BEGIN {
    s = ENVIRON["S"]; out = ""
    for (i = 1; i <= length(s) && length(out) < max; i++) {
      c = substr(s, i, 1)
      if (c == "\"" || c == "\\") e = "\\" c
      else if (c < " ") e = " "
      else if (c > "~") e = "?"
      else e = c
      if (length(out) + length(e) > max) break
      out = out e
    }
    printf "\"%s\"", out
  }'
}

# Writes the termination message once and ends the script. Exit status 0 for Pushed and NoChanges, 2 for Refused,
# 3 for PullRequestFailed, 1 for Failed.
finish() { # outcome rule message
  _outcome=$1 _rule=$2 _message=$3
  finished=1
  if holds_secret "$_message"; then
    _message="(the message is withheld: it contained a credential)"
  fi
  if holds_secret "$pr_url"; then
    pr_url=
  fi
  case "$_outcome" in
    Pushed | NoChanges) log "$_outcome: $_message"; _rc=0 ;;
    Refused) log "$_outcome ($_rule): $_message" >&2; _rc=2 ;;
    PullRequestFailed) log "$_outcome: $_message" >&2; _rc=3 ;;
    *) log "$_outcome${_rule:+ ($_rule)}: $_message" >&2; _rc=1 ;;
  esac
  # The scratch files hold the API's answer, which may echo what it was sent.
  rm -rf -- "$work"
  case "$changed_files" in '' | *[!0-9]*) changed_files=0 ;; esac
  case "$changed_bytes" in '' | *[!0-9]*) changed_bytes=0 ;; esac
  # Under 1 KiB: the branch is at most 255 characters (CRD), the message at most 160, the URL 200.
  printf '{"outcome":%s,"rule":%s,"message":%s,"branch":%s,"commit":%s,"baseCommit":%s,"changedFiles":%s,"changedBytes":%s,"pullRequestURL":%s}\n' \
    "$(json "$_outcome" 20)" "$(json "$_rule" 40)" "$(json "$_message" 160)" "$(json "${PUBLISH_BRANCH:-}" 255)" \
    "$(json "$commit" 64)" "$(json "$base" 64)" "$changed_files" "$changed_bytes" "$(json "$pr_url" 200)" \
    > "$tlog" || log "cannot write the termination message to $tlog" >&2
  exit "$_rc"
}
trap 'if [ -z "$finished" ]; then finish Failed "" "failed while $step"; fi' EXIT
# dash runs no EXIT trap when a signal ends it (the Job's deadline, a deletion): report that too.
trap 'finish Failed "" "stopped by a signal while $step"' HUP INT TERM

# The last lines of a command's output that say what went wrong, on one line.
reason() { # file
  grep -E '^(error|fatal|remote:| ! )|\[(rejected|remote rejected)\]' -- "$1" 2>/dev/null |
    grep -v '^hint:' | tail -n 4 | tr '\n\t' '  ' | tr -s ' ' || true
}

non_negative() { # name value
  case "$2" in
    '' | *[!0-9]*) finish Failed InvalidSetting "$1 must be a non-negative integer" ;;
  esac
}

# ---- settings ---------------------------------------------------------------------------------------------------
step="checking the settings"
: "${WORKSPACE:?}" "${GIT_REPO_URL:?}" "${AGENT_WORKDIR:?}"
branch="${PUBLISH_BRANCH:-}"
max_files="${PUBLISH_MAX_FILES:-0}"
max_bytes="${PUBLISH_MAX_BYTES:-0}"
non_negative PUBLISH_MAX_FILES "$max_files"
non_negative PUBLISH_MAX_BYTES "$max_bytes"
# The CRD validates the branch already; check it again (a leading "-" and "@{-1}" are refused by git too).
case "$branch" in
  '' | -* | *[!A-Za-z0-9._/+-]*) finish Refused InvalidBranch "PUBLISH_BRANCH is not a valid branch name" ;;
esac
if [ "$(g check-ref-format --branch "$branch" 2>/dev/null)" != "$branch" ]; then
  finish Refused InvalidBranch "PUBLISH_BRANCH is not a valid branch name"
fi

# The trusted base commit: recorded by git-clone in the state volume, which the agent never mounts.
if [ -f "$state/base-commit" ]; then
  base=$(dd if="$state/base-commit" bs=100 count=1 2>/dev/null | tr -d '\n') || base=
fi
case "${#base}:$base" in
  40:*[!0-9a-f]* | 64:*[!0-9a-f]*) base=; finish Failed NoBaseCommit "no trusted base commit in $state/base-commit" ;;
  40:* | 64:*) ;;
  *) base=; finish Failed NoBaseCommit "no trusted base commit in $state/base-commit" ;;
esac
base_branch=
if [ -f "$state/base-branch" ]; then
  base_branch=$(dd if="$state/base-branch" bs=300 count=1 2>/dev/null | tr -d '\n') || base_branch=
fi
allow_base="${PUBLISH_ALLOW_BASE_BRANCH:-false}"
if [ "$allow_base" != true ] && [ -n "$base_branch" ] && [ "$branch" = "$base_branch" ]; then
  finish Refused BaseBranch "$branch is the branch the run started from; set the publish option that allows it to push there"
fi

# The agent's working tree must be the real directory $WORKSPACE/repo or $WORKSPACE/worktree, not a symlink (to
# the credentials, say) nor below one.
case "$AGENT_WORKDIR" in
  "$WORKSPACE/repo" | "$WORKSPACE/worktree") ;;
  *) finish Failed InvalidSetting "AGENT_WORKDIR must be \$WORKSPACE/repo or \$WORKSPACE/worktree" ;;
esac
if [ -L "$AGENT_WORKDIR" ]; then
  finish Refused SymlinkOutsideTree "the agent's working tree ${AGENT_WORKDIR##*/} is a symlink"
fi
if [ ! -d "$AGENT_WORKDIR" ]; then
  finish Failed MissingWorkTree "the agent's working tree ${AGENT_WORKDIR##*/} does not exist"
fi
ws_real=$(cd -P -- "$WORKSPACE" && pwd -P)
wd_real=$(cd -P -- "$AGENT_WORKDIR" && pwd -P)
if [ "$wd_real" != "$ws_real/${AGENT_WORKDIR##*/}" ]; then
  finish Refused SymlinkOutsideTree "the agent's working tree resolves outside the workspace"
fi

allow_repo_protocol "$me" || finish Failed InvalidSetting "the repository URL must be https://, ssh:// or user@host:path"
setup_git_credentials "$me"

# ---- a private repository holding the base commit -----------------------------------------------------------------
step="fetching the base commit"
rm -rf -- "$gd" "$work"
mkdir -m 700 -- "$work"
g -c init.defaultBranch=publish init -q --bare "$gd"
G() { g --git-dir="$gd" "$@"; }
log "fetching the base commit $base"
if ! G fetch -q --depth=1 --no-tags -- "$GIT_REPO_URL" "$base" > "$work/fetch.out" 2>&1; then
  cat -- "$work/fetch.out" >&2
  finish Failed FetchFailed "cannot fetch the base commit: $(reason "$work/fetch.out")"
fi
# The remote's default branch counts as a base branch too.
if [ "$allow_base" != true ]; then
  default_branch=$(G ls-remote --symref -- "$GIT_REPO_URL" HEAD 2>/dev/null |
    sed -n 's|^ref: refs/heads/\(.*\)	HEAD$|\1|p' | head -n 1) || default_branch=
  if [ -n "$default_branch" ] && [ "$branch" = "$default_branch" ]; then
    finish Refused BaseBranch "$branch is the repository's default branch; set the publish option that allows it to push there"
  fi
fi

# ---- the agent's files ------------------------------------------------------------------------------------------
step="reading the agent's working tree"
log "reading the agent's working tree ${AGENT_WORKDIR##*/}"
G read-tree "$base"
# .agent-operator holds the operator's markers, not the agent's work.
if ! G --work-tree="$wd_real" add -A -- . ':(top,exclude,literal).agent-operator' > "$work/add.out" 2>&1; then
  cat -- "$work/add.out" >&2
  # a nested repository without a commit: git cannot add it as a gitlink and says so
  nested=$(sed -n "s/^error: '\(.*\)' does not have a commit checked out\$/\1/p" -- "$work/add.out" | head -n 1)
  if [ -n "$nested" ]; then
    finish Refused NestedRepository "the working tree holds a nested git repository: $nested"
  fi
  finish Failed ImportFailed "cannot read the working tree: $(reason "$work/add.out")"
fi
tree=$(G write-tree)
base_tree=$(G rev-parse --verify "$base^{tree}")
if [ "$tree" = "$base_tree" ]; then
  finish NoChanges "" "the agent changed nothing; nothing was pushed"
fi

# ---- the change policy ------------------------------------------------------------------------------------------
step="checking the change"
# Raw lines ":OLDMODE NEWMODE OLDOBJ NEWOBJ STATUS<TAB>PATH"; a path with unusual characters is C-quoted, so each
# change is one line. No renames: a move is a deletion and an addition, both checked.
G diff-tree -r --no-renames --no-ext-diff --no-textconv "$base_tree" "$tree" > "$work/changes"
changed_files=$(wc -l < "$work/changes" | tr -d ' ')
# Bytes: the sizes of the blobs the change adds (new and changed files, symlinks); deletions add none.
changed_bytes=$(awk '$5 != "D" && $2 != "160000" { print $4 }' "$work/changes" |
  G cat-file --batch-check='%(objectsize)' | awk '{ n += $1 } END { printf "%d\n", n }')

nested=$(awk '$2 == "160000" { sub(/^[^\t]*\t/, ""); print; exit }' "$work/changes")
if [ -n "$nested" ]; then
  finish Refused NestedRepository "the working tree holds a nested git repository: $nested"
fi

# A symlink may point only to a relative path that stays inside the tree, resolved from the link's own directory
# (lexically: every other link is checked the same way).
escapes() { # depth-of-the-link's-directory target
  case "$2" in /*) return 0 ;; esac
  _depth=$1
  _ifs=$IFS
  set -f
  IFS=/
  for _c in $2; do
    case "$_c" in
      '' | .) ;;
      ..) _depth=$((_depth - 1)); if [ "$_depth" -lt 0 ]; then IFS=$_ifs; set +f; return 0; fi ;;
      *) _depth=$((_depth + 1)) ;;
    esac
  done
  IFS=$_ifs
  set +f
  return 1
}
awk '$2 == "120000" && $5 != "D" { obj = $4; sub(/^[^\t]*\t/, ""); print obj " " $0 }' "$work/changes" > "$work/links"
while read -r obj path; do
  dir_depth=$(printf '%s\n' "$path" | tr -cd / | wc -c)
  target=$(G cat-file blob "$obj")
  if escapes "$dir_depth" "$target"; then
    finish Refused SymlinkOutsideTree "the symlink $path points outside the working tree"
  fi
done < "$work/links"

protected="${PUBLISH_PROTECTED_PATHS:-}"
if [ -n "$protected" ]; then
  # Each pattern becomes a case-insensitive glob pathspec, and pattern/** too, so a pattern naming a directory
  # covers everything below it; git matches them, the shell never expands them.
  set --
  _ifs=$IFS
  IFS='
'
  set -f
  for p in $protected; do
    # gitignore-style "/x" (anchored at the top) and "dir/" mean what "x" and "dir" mean as pathspecs
    p=${p#/}
    p=${p%/}
    case "$p" in
      '') ;;
      *) set -- "$@" ":(glob,icase)$p" ":(glob,icase)$p/**" ;;
    esac
  done
  set +f
  IFS=$_ifs
  if [ "$#" -gt 0 ]; then
    hit=$(G diff-tree -r --no-renames --name-only "$base_tree" "$tree" -- "$@" | head -n 1)
    if [ -n "$hit" ]; then
      finish Refused ProtectedPath "the change touches a protected path: $hit"
    fi
  fi
fi

if [ "$max_files" -gt 0 ] && [ "$changed_files" -gt "$max_files" ]; then
  finish Refused MaxFilesExceeded "$changed_files files changed, more than the $max_files allowed"
fi
if [ "$max_bytes" -gt 0 ] && [ "$changed_bytes" -gt "$max_bytes" ]; then
  finish Refused MaxBytesExceeded "$changed_bytes bytes added or changed, more than the $max_bytes allowed"
fi

# ---- commit and push --------------------------------------------------------------------------------------------
step="committing"
export GIT_AUTHOR_NAME="${PUBLISH_AUTHOR_NAME:-Agent Operator}"
export GIT_AUTHOR_EMAIL="${PUBLISH_AUTHOR_EMAIL:-agent-operator@localhost}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
commit=$(printf '%s\n' "${PUBLISH_COMMIT_MESSAGE:-Changes by an agent run}" | G commit-tree "$tree" -p "$base")
log "committed $commit ($changed_files files, $changed_bytes bytes) on top of $base"

step="pushing"
log "pushing to branch $branch"
if ! G push -- "$GIT_REPO_URL" "$commit:refs/heads/$branch" > "$work/push.out" 2>&1; then
  cat -- "$work/push.out" >&2
  commit=
  finish Failed PushFailed "the push was refused: $(reason "$work/push.out")"
fi
cat -- "$work/push.out"

# ---- pull request -----------------------------------------------------------------------------------------------
provider="${PR_PROVIDER:-}"
if [ -z "$provider" ]; then
  finish Pushed "" "pushed $commit to $branch"
fi
step="opening the pull request"
pr_failed() { finish PullRequestFailed "" "pushed $commit to $branch, but $1"; }
api="${PR_API_URL:-}"
case "$api" in
  https://*) ;;
  *) pr_failed "PR_API_URL must be an https:// URL" ;;
esac
case "$api" in *[!A-Za-z0-9._~:/%+=-]*) pr_failed "PR_API_URL holds unexpected characters" ;; esac
api="${api%/}"
project="${PR_REPOSITORY:-}"
case "$provider" in
  github)
    case "$project" in
      [A-Za-z0-9]*/[A-Za-z0-9._-]*) ;;
      *) pr_failed "PR_REPOSITORY must be owner/repository" ;;
    esac
    case "$project" in */*/* | */. | */.. | *[!A-Za-z0-9._/-]*) pr_failed "PR_REPOSITORY must be owner/repository" ;; esac
    endpoint="$api/repos/$project/pulls"
    auth_header="Authorization: Bearer"
    accept="application/vnd.github+json"
    url_key=html_url ;;
  gitlab)
    case "$project" in
      '' | . | .. | *[!A-Za-z0-9._~%-]*) pr_failed "PR_REPOSITORY must be the URL-encoded project path or id" ;;
    esac
    endpoint="$api/projects/$project/merge_requests"
    auth_header="PRIVATE-TOKEN:"
    accept="application/json"
    url_key=web_url ;;
  *) pr_failed "PR_PROVIDER must be github or gitlab" ;;
esac
if [ -z "${PR_REQUEST_JSON:-}" ]; then
  pr_failed "PR_REQUEST_JSON is empty"
fi
token=
if [ -r "$GIT_CREDENTIALS_DIR/token" ]; then
  token=$(cat -- "$GIT_CREDENTIALS_DIR/token")
fi
# The token goes into curl's config, between double quotes: refuse characters that would need escaping there.
case "$token" in
  '') pr_failed "the credentials Secret has no token for the API" ;;
  *[![:graph:]]* | *'"'* | *'\'*) pr_failed "the token holds characters a token cannot have" ;;
esac
printf '%s' "$PR_REQUEST_JSON" > "$work/request.json"
log "opening the $provider request at $endpoint"
# printf is a shell builtin: the token passes through a pipe to curl's config reader, never through argv. -q: no
# .curlrc. No redirects are followed; only https.
status=$(printf 'url = "%s"\nheader = "%s %s"\n' "$endpoint" "$auth_header" "$token" |
  curl -q --config - --silent --show-error --proto =https --connect-timeout 20 --max-time 120 \
    --header 'Content-Type: application/json' --header "Accept: $accept" --user-agent agent-operator \
    --data-binary "@$work/request.json" --output "$work/response.json" --write-out '%{http_code}' \
    2> "$work/curl.err") || status=
token=

# The value of a top-level string member of the JSON object in the file (nested objects have html_url too).
json_member() { # key file
  LC_ALL=C awk -v key="$1" '{ s = s $0 "\n" } END {
    n = length(s); depth = 0; i = 1
    while (i <= n) {
      c = substr(s, i, 1)
      if (c == "\"") {
        v = ""; j = i + 1
        while (j <= n) {
          d = substr(s, j, 1)
          if (d == "\\") {
            e = substr(s, j + 1, 1)
            if (e == "u") { v = v "?"; j += 6; continue }
            if (e == "n" || e == "t" || e == "r") e = " "
            v = v e; j += 2; continue
          }
          if (d == "\"") break
          v = v d; j++
        }
        i = j + 1
        if (want) { print v; exit }
        if (depth == 1 && v == key) {
          while (i <= n && substr(s, i, 1) ~ /[ \t\r\n]/) i++
          if (substr(s, i, 1) != ":") continue
          i++
          while (i <= n && substr(s, i, 1) ~ /[ \t\r\n]/) i++
          if (substr(s, i, 1) != "\"") exit
          want = 1
        }
        continue
      }
      if (c == "{" || c == "[") depth++
      else if (c == "}" || c == "]") depth--
      i++
    }
  }' "$2" 2>/dev/null || true
}

case "$status" in
  2??)
    pr_url=$(json_member "$url_key" "$work/response.json")
    case "$pr_url" in
      https://* | http://*) ;;
      *) pr_url=; pr_failed "the API answered $status without a $url_key" ;;
    esac
    finish Pushed "" "pushed $commit to $branch and opened $pr_url" ;;
  '' | 000)
    pr_failed "the API could not be reached: $(tr '\n' ' ' < "$work/curl.err")" ;;
  *)
    detail=$(json_member message "$work/response.json")
    if [ -z "$detail" ]; then
      detail=$(head -c 200 -- "$work/response.json" 2>/dev/null | tr '\n' ' ') || detail=
    fi
    pr_failed "the API answered $status: $detail" ;;
esac
