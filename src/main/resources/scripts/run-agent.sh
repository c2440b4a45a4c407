
# Runs the agent CLI (container "agent") and reports its result: run-agent AGENT CLI-ARGV..., with AGENT claude or
# opencode, as /bin/sh -c SCRIPT run-agent AGENT CLI-ARGV... (Scripts.RUN_AGENT puts agent-result.awk in $result_awk
# first). POSIX sh (dash), GNU coreutils (timeout, tee, mkfifo, mktemp, date, dirname, wc, head, sleep 0.1, touch;
# busybox timeout takes 0 as "now", not "no limit", and makes no process group), any POSIX awk.
#
# - The CLI gets the prompt on standard input from $PROMPT_FILE (default /etc/agent-operator/prompt/prompt). Its
#   standard output goes to the container's log (kubectl logs -f) and, exactly as printed, to the transcript
#   $AGENT_TRANSCRIPT (default /workspace/.agent-operator/transcript.jsonl, truncated at start; when it cannot be
#   written, a file in /tmp). Standard error stays standard error.
# - AGENT_DEADLINE_SECONDS (a positive integer): the CLI is sent SIGTERM after that long, SIGKILL
#   $AGENT_KILL_GRACE_SECONDS (default 10) later; stopReason "timeout".
# - SIGTERM, SIGINT or SIGHUP to this shell (PID 1: a pod deletion sends TERM) is passed on to the CLI as SIGTERM,
#   with the same SIGKILL grace; stopReason "terminated".
# - Afterwards, agent-result.awk reads the transcript and this script writes ONE line of JSON, at most 3072 bytes
#   (the kubelet keeps 4096 for all containers of a pod), to $TERMINATION_LOG (default /dev/termination-log):
#   {"agent","exitCode","isError","stopReason","summary","summaryTruncated","costUSD","inputTokens","outputTokens",
#   "cacheReadTokens","cacheCreationTokens","turns","sessionId","models","durationMs","apiErrorStatus"}, keys
#   omitted when unknown; agent, exitCode, isError and stopReason are always there (stopReason "no-result" when the
#   transcript holds no result). The values of ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY and of the variables named
#   in AGENT_SECRET_ENVS (space-separated names) never appear in it.
# - Once the CLI has ended, what is left of its process group gets SIGTERM.
# - Exit status: the CLI's (timeout's 124 or 137 after a deadline, 128+n after a signal); 2 on a usage error.
#   With AGENT_ALWAYS_SUCCEED=true (a run that publishes its work even after a failure) it is 0 once the message is
#   written, so that the publish container after this one still runs: the real outcome is in the message.
#
# Everything here runs as the agent's user, in the agent's container: the agent can rewrite the transcript or the
# termination message, so the result is as trustworthy as the agent. What this script guarantees is that the
# message is valid, bounded JSON whatever the CLI or the agent printed.
me=run-agent
tlog="${TERMINATION_LOG:-/dev/termination-log}"
max=3072

log() { printf '%s: %s\n' "$me" "$*" >&2; }

# The message when the extraction failed: only what this shell knows.
fallback() { # agent exit-code stop-reason
  printf '{"agent":"%s","exitCode":%d,"isError":true,"stopReason":"%s"}\n' "$1" "$2" "$3"
}

agent="${1:-}"
case "$agent" in
  claude | opencode) shift ;;
  *)
    log "usage: run-agent claude|opencode CLI-ARGV..."
    fallback unknown 2 usage > "$tlog" 2>/dev/null
    exit 2 ;;
esac
if [ $# -eq 0 ]; then
  log "usage: run-agent $agent CLI-ARGV..."
  fallback "$agent" 2 usage > "$tlog" 2>/dev/null
  exit 2
fi

prompt="${PROMPT_FILE:-/etc/agent-operator/prompt/prompt}"
transcript="${AGENT_TRANSCRIPT:-/workspace/.agent-operator/transcript.jsonl}"
deadline=0
case "${AGENT_DEADLINE_SECONDS:-}" in
  '') ;;
  *[!0-9]* | 0*) log "AGENT_DEADLINE_SECONDS is not a positive integer; running without a deadline" ;;
  *)
    if [ ${#AGENT_DEADLINE_SECONDS} -le 9 ]; then
      deadline=$AGENT_DEADLINE_SECONDS
    else
      log "AGENT_DEADLINE_SECONDS is too large; running without a deadline"
    fi ;;
esac
grace=10
case "${AGENT_KILL_GRACE_SECONDS:-}" in
  '' | *[!0-9]* | 0*) ;;
  *) [ ${#AGENT_KILL_GRACE_SECONDS} -le 4 ] && grace=$AGENT_KILL_GRACE_SECONDS ;;
esac

# Signals are only noted here; the wait loop below passes them on once the CLI runs.
caught=
stop=
trap 'caught=1' TERM INT HUP

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/run-agent.XXXXXX") || { log "cannot create a scratch directory"; work=; }

# (in a subshell: a failed redirection of the special builtin ":" would end this shell)
mkdir -p -- "$(dirname -- "$transcript")" 2>/dev/null
if ! ( : > "$transcript" ) 2>/dev/null; then
  alt="${TMPDIR:-/tmp}/agent-transcript.jsonl"
  log "cannot write the transcript $transcript; writing $alt instead"
  transcript=$alt
  ( : > "$transcript" ) 2>/dev/null || transcript=/dev/null
fi

start=$(date +%s)
tee_pid=
if [ -n "$work" ] && mkfifo "$work/stdout"; then
  # No pipefail in dash: the CLI writes into a FIFO that tee reads, so $! is the CLI's (timeout's) own pid.
  # tee.done marks its end: this shell cannot wait for it with a time limit
  { tee -- "$transcript" < "$work/stdout"; touch "$work/tee.done" 2>/dev/null; } &
  tee_pid=$!
  # the FIFO first: if the prompt cannot be opened the command fails, and tee still sees the end of its input
  timeout -k "$grace" "$deadline" "$@" > "$work/stdout" < "$prompt" &
else
  log "cannot create a FIFO; the transcript gets the output, the log does not"
  timeout -k "$grace" "$deadline" "$@" > "$transcript" < "$prompt" &
fi
cli_pid=$!

# A trapped signal interrupts wait (status > 128): pass it on and wait again; dash keeps the status of a job that
# ended, so a second wait returns it even when the first one had already collected it.
while :; do
  if [ -n "$caught" ]; then
    caught=
    stop=terminated
    log "signal received; stopping the agent"
    kill -TERM "$cli_pid" 2>/dev/null
  fi
  wait "$cli_pid"
  status=$?
  [ -z "$caught" ] && break
done

# What the agent left running in the CLI's process group (timeout made one) ends with it, as it would when the
# container ends; the publish step must not start while any of it runs.
kill -TERM "-$cli_pid" 2>/dev/null  # (dash's kill takes no "--")

if [ -z "$stop" ] && [ "$deadline" -gt 0 ] && { [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; } \
  && [ $(($(date +%s) - start)) -ge "$deadline" ]; then
  stop=timeout
  log "the agent did not finish within $deadline seconds"
fi

# tee ends when every writer of the FIFO has closed it; a process the agent started in a session of its own may hold
# it open, so tee gets 5 seconds (it has all the CLI printed by then) and is then left behind: the container's end
# stops it.
if [ -n "$tee_pid" ]; then
  n=0
  while [ ! -e "$work/tee.done" ] && [ $n -lt 50 ]; do
    sleep 0.1
    n=$((n + 1))
  done
  [ -e "$work/tee.done" ] || log "the agent's output is still open after it ended; reading the transcript as it is"
fi

message=
if [ -n "$work" ] && [ -r "$transcript" ]; then
  # linear in the transcript's size, about 1 s per MB in busybox awk; a minute at most, else the fallback
  LC_ALL=C timeout -k 5 60 awk -v agent="$agent" -v rc="$status" -v stop="$stop" -v max="$max" "$result_awk" \
    < "$transcript" > "$work/message" 2> "$work/awk.err" \
    || log "extracting the result failed: $(head -c 300 "$work/awk.err")"
  # one line, within the limit; anything else is replaced by the fallback
  if [ -s "$work/message" ] && [ "$(wc -l < "$work/message")" -eq 1 ] && [ "$(wc -c < "$work/message")" -le "$max" ]; then
    message="$work/message"
  fi
fi
if [ -n "$message" ]; then
  cat -- "$message" > "$tlog" || log "cannot write the termination message to $tlog"
else
  fallback "$agent" "$status" "${stop:-no-result}" > "$tlog" || log "cannot write the termination message to $tlog"
fi
[ -n "$work" ] && rm -rf -- "$work"
if [ "${AGENT_ALWAYS_SUCCEED:-}" = true ] && [ "$status" -ne 0 ]; then
  log "the CLI exited with $status; exiting 0 so that the work is published (AGENT_ALWAYS_SUCCEED)"
  exit 0
fi
exit "$status"
