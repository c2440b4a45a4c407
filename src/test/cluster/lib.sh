# Shell helpers shared by the test bed's scripts (source it; it runs nothing by itself).

# A free TCP port on 127.0.0.1 (nothing accepts a connection on it right now).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# Whether a process runs. An exited child that is not reaped yet still answers kill -0, so look at its state.
alive() {
  [[ $(ps -o stat= -p "$1" 2>/dev/null) == [^Z]* ]]
}

# SIGTERM, SIGKILL after 15 s, then reap it if it is our child.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 150; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# issue_cert DIR NAME SUBJECT [SUBJECT_ALT_NAMES]: in DIR, NAME.key and NAME.crt signed by DIR's ca.crt/ca.key, valid
# 30 days.
issue_cert() {
  local dir=$1 name=$2 subject=$3 san=${4:-}
  (
    cd "$dir"
    openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subject" 2>/dev/null
    openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -out "$name.crt" \
      ${san:+-extfile <(printf 'subjectAltName=%s\n' "$san")} 2>/dev/null
  )
}

# make_certs DIR ADMIN_CN [EXTRA_SANS]: in DIR, a CA (ca.crt/key), kube-apiserver's serving cert for 127.0.0.1,
# localhost and EXTRA_SANS (e.g. "IP:10.88.0.1,IP:10.0.0.1") (apiserver.crt/key), an admin client cert in
# system:masters (admin.crt/key) and the service-account key pair (sa.key, sa.pub), all from openssl, valid 30 days.
make_certs() {
  local dir=$1 admin=$2 extra=${3:+,$3}
  (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=test-ca" 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
  )
  issue_cert "$dir" apiserver "/CN=kube-apiserver" "IP:127.0.0.1,DNS:localhost$extra"
  issue_cert "$dir" admin "/O=system:masters/CN=$admin"
}

# The real node's bookkeeping in its state dir $state (real-node.sh, olm.sh): record KIND ARGS... notes a change to the
# machine in $state/changes BEFORE it is made (real-node.sh down undoes them in reverse order, also after a killed up);
# start NAME COMMAND... starts a process that outlives the script (setsid), logging to $state/NAME.log, and notes its
# PID in $state/pids (down stops them in reverse order).
record() { printf '%q ' "$@" >>"$state/changes"; echo >>"$state/changes"; }

start() {
  local name=$1
  shift
  setsid "$@" >"$state/$name.log" 2>&1 </dev/null &
  echo "$name $!" >>"$state/pids"
}
