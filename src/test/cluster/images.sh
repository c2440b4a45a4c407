#!/usr/bin/env bash
# Builds the project's images offline, from its own Dockerfiles, for tier 4's real node:
#   operator  src/main/docker/Dockerfile.jvm on target/quarkus-app (run ./mvnw package first)
#   runner    src/main/docker/agent-runner.Dockerfile (git, ssh, the claude and opencode CLIs from npm)
#   runner-testca  the runner plus the test bed's own CA (node/test-ca.Dockerfile), for the tests' https git server;
#             the CA (test-ca/ca.crt, ca.key; 10 years) is made once and cached
#   pause     the pod sandbox image: node/pause.c built with gcc -static, alone in the image (no Dockerfile upstream
#             either; containerd's sandbox_image)
#   olm-tools what OLM's own images give its pods (quay.io/operator-framework/olm and /opm, both on distroless
#             static:debug): opm, grpc_health_probe, OLM's cpb and copy-content from build.sh, and Debian's static
#             busybox as /bin/cp. OLM's bundle unpack Jobs use it as the util and the opm image; catalog images are built
#             on it (olm.sh)
# with buildah (no daemon, --isolation chroot, so RUN steps use the host's network: the Debian mirror and npm).
# The public base images (eclipse-temurin, node) cannot be pulled here, so each Dockerfile gets a local stand-in as its
# BASE_IMAGE build arg, made with mmdebstrap from Debian bookworm:
#   base-jre   bookworm minbase + openjdk-17-jre-headless (the jar targets Java 17; `java` on the PATH as in temurin)
#   base-node  bookworm minbase + this machine's Node.js and npm in /usr/local and user node (uid/gid 1000), the
#              layout of node:22-bookworm-slim (Debian's own nodejs is 18, too old for the CLIs' engines field)
# Everything is cached under ${AGENT_OPERATOR_CACHE:-~/.cache/agent-operator}/images/, keyed on a hash of its inputs
# (this script's recipe, the Dockerfile, the base's key, the jar's files, Node's version), and rebuilt only when one
# changes. Each image ends as a docker-archive that the real node's containerd imports.
#
#   images.sh [operator|runner|runner-testca|pause|olm-tools]...   (default: operator runner pause) prints NAME=IMAGE_REF and NAME_ARCHIVE=PATH lines on stdout
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project=$(cd "$here/../../.." && pwd)
cache=${AGENT_OPERATOR_CACHE:-$HOME/.cache/agent-operator}
images=$cache/images
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
HOST_CA=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

log() { echo "images.sh: $*" >&2; }

for tool in mmdebstrap buildah; do
  command -v "$tool" >/dev/null || { log "$tool is missing (Debian package $tool)"; exit 2; }
done
mkdir -p "$images"
# buildah's own storage, apart from the machine's /var/lib/containers
b() { buildah --root "$images/storage" --runroot "$images/run" --storage-driver overlay "$@"; }

hash_of() { sha256sum | cut -c1-16; }
# the lines of this script between two markers: a base's recipe, so that editing it rebuilds that base
recipe() { sed -n "/^# recipe $1 begin/,/^# recipe $1 end/p" "${BASH_SOURCE[0]}"; }
have_image() { b inspect --type image "$1" >/dev/null 2>&1; }

# base NAME KEY -- commits the mmdebstrap rootfs that make_rootfs_NAME writes to a tar as localhost/agent-NAME:KEY
base() {
  local name=$1 key=$2 ref="localhost/agent-$1:$2"
  if ! have_image "$ref"; then
    local tmp start=$SECONDS c
    tmp=$(mktemp -d "$images/.base.XXXXXX")
    log "building $ref with mmdebstrap (a minute or two)"
    "make_rootfs_$name" "$tmp/rootfs.tar" >"$tmp/mmdebstrap.log" 2>&1 || {
      tail -n 30 "$tmp/mmdebstrap.log" >&2
      rm -rf "$tmp"
      log "mmdebstrap failed"
      exit 1
    }
    c=$(b from scratch)
    b add "$c" "$tmp/rootfs.tar" / >/dev/null
    b config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env LANG=C.UTF-8 \
      --cmd /bin/bash "$c"
    b commit -q --rm "$c" "$ref" >/dev/null
    rm -rf "$tmp"
    log "built $ref in $((SECONDS - start))s"
  fi
  echo "$ref"
}

# Like Debian's slim images: no docs, man pages or locales.
mmdebstrap_slim() { # OUT.tar INCLUDES [mmdebstrap options...]
  local out=$1 include=$2
  shift 2
  mmdebstrap --variant=minbase --include="$include" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --aptopt='Acquire::Retries "3"' "$@" bookworm "$out" \
    "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb $SECURITY_MIRROR bookworm-security main"
}

# recipe base-jre begin
make_rootfs_jre() {
  # the JRE's postinst links its man page into /usr/share/man/man1, which the slim excludes leave absent
  mmdebstrap_slim "$1" openjdk-17-jre-headless,ca-certificates --essential-hook='mkdir -p "$1/usr/share/man/man1"'
}
# recipe base-jre end

# recipe base-node begin
make_rootfs_node() {
  local node npm_dir
  node=$(command -v node) || { log "node is missing: the runner's stand-in base copies this machine's Node.js"; return 1; }
  npm_dir=$(dirname "$(readlink -f "$(command -v npm)")")/..
  [[ -f $npm_dir/package.json ]] || { log "cannot find npm's package next to $(command -v npm)"; return 1; }
  # the node image's layout: node and npm in /usr/local, user and group "node" with uid/gid 1000
  mmdebstrap_slim "$1" ca-certificates,libstdc++6 \
    --customize-hook="install -m 0755 '$(readlink -f "$node")' \"\$1/usr/local/bin/node\"" \
    --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$(readlink -f "$npm_dir")' \"\$1/usr/local/lib/node_modules/npm\"" \
    --customize-hook="ln -s ../lib/node_modules/npm/bin/npm-cli.js \"\$1/usr/local/bin/npm\"" \
    --customize-hook="ln -s ../lib/node_modules/npm/bin/npx-cli.js \"\$1/usr/local/bin/npx\"" \
    --customize-hook='chroot "$1" groupadd --gid 1000 node' \
    --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
}
# recipe base-node end

# build NAME DOCKERFILE CONTEXT KEY BASE_REF -- buildah bud, then a docker-archive for containerd
build() {
  local name=$1 dockerfile=$2 context=$3 key=$4 base_ref=$5
  local ref="localhost/agent-$name:$key" archive="$images/agent-$name-$key.tar"
  if [[ ! -f $archive ]]; then
    local start=$SECONDS tmp
    if ! have_image "$ref"; then
      log "building $ref from ${dockerfile#"$project"/} with BASE_IMAGE=$base_ref (log: $images/$name.log)"
      # --isolation chroot: no network namespace or runtime needed, RUN steps reach the mirrors directly.
      # RUN steps see this machine's CA bundle as npm's cafile (a mount: nothing of it stays in the image), so npm
      # works where https goes through a proxy with its own CA, as on the project's machines.
      printf 'cafile=/run/host-ca-certificates.crt\n' >"$images/npmrc"
      if ! b bud --isolation chroot --pull=never --layers=false -f "$dockerfile" --build-arg "BASE_IMAGE=$base_ref" \
        -v "$HOST_CA:/run/host-ca-certificates.crt:ro" -v "$images/npmrc:/usr/local/etc/npmrc:ro" \
        -t "$ref" "$context" >"$images/$name.log" 2>&1; then
        tail -n 40 "$images/$name.log" >&2
        log "building $ref failed"
        exit 1
      fi
    fi
    tmp=$(mktemp "$images/.archive.XXXXXX")
    b push -q "$ref" "docker-archive:$tmp:$ref" >&2
    mv "$tmp" "$archive"
    log "built $ref ($(du -h "$archive" | cut -f1)) in $((SECONDS - start))s"
    # older archives of this image are stale now
    find "$images" -maxdepth 1 -regextype posix-extended -regex ".*/agent-$name-[0-9a-f]{16}\.tar" \
      ! -name "$(basename "$archive")" -delete
  fi
  echo "$name=$ref"
  echo "${name}_ARCHIVE=$archive"
}

operator() {
  local app=$project/target/quarkus-app
  [[ -f $app/quarkus-run.jar ]] || { log "$app/quarkus-run.jar is missing: run ./mvnw package first"; exit 2; }
  local base_key base_ref jar_hash key
  base_key=$(recipe base-jre | hash_of)
  base_ref=$(base jre "$base_key")
  jar_hash=$(cd "$app" && find . -type f -print0 | sort -z | xargs -0 sha256sum | hash_of)
  key=$({ cat "$project/src/main/docker/Dockerfile.jvm"; echo "$base_key $jar_hash"; } | hash_of)
  build operator "$project/src/main/docker/Dockerfile.jvm" "$project" "$key" "$base_ref"
}

runner() {
  command -v node >/dev/null && command -v npm >/dev/null || {
    log "node and npm are missing: the runner's stand-in base copies this machine's Node.js"
    exit 2
  }
  local base_key base_ref key context
  base_key=$({ recipe base-node; node --version; } | hash_of)
  base_ref=$(base node "$base_key")
  key=$({ cat "$project/src/main/docker/agent-runner.Dockerfile"; echo "$base_key"; } | hash_of)
  # the Dockerfile copies nothing: an empty context
  context=$(mktemp -d)
  build runner "$project/src/main/docker/agent-runner.Dockerfile" "$context" "$key" "$base_ref"
  rmdir "$context"
}

runner-testca() {
  local runner_ref key context ca=$images/test-ca
  runner_ref=$(runner | sed -n 's/^runner=//p')
  if [[ ! -f $ca/ca.crt ]]; then
    mkdir -p "$ca.tmp"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ca.tmp/ca.key" -out "$ca.tmp/ca.crt" -days 3650 \
      -subj "/CN=agent-operator test bed CA" 2>/dev/null
    rm -rf "$ca"
    mv "$ca.tmp" "$ca"
  fi
  key=$({ cat "$here/node/test-ca.Dockerfile" "$ca/ca.crt"; echo "$runner_ref"; } | hash_of)
  context=$(mktemp -d)
  cp "$ca/ca.crt" "$context/test-ca.crt"
  build runner-testca "$here/node/test-ca.Dockerfile" "$context" "$key" "$runner_ref"
  rm -rf "$context"
  echo "TEST_CA=$ca/ca.crt"
  echo "TEST_CA_KEY=$ca/ca.key"
}

pause() {
  local key ref archive tmp c
  command -v gcc >/dev/null || { log "gcc is missing (Debian package gcc, with libc6-dev)"; exit 2; }
  key=$({ cat "$here/node/pause.c"; recipe pause; } | hash_of)
  ref=localhost/agent-pause:$key
  archive=$images/agent-pause-$key.tar
  if [[ ! -f $archive ]]; then
# recipe pause begin
    tmp=$(mktemp -d "$images/.pause.XXXXXX")
    gcc -static -Os -s -o "$tmp/pause" "$here/node/pause.c"
    c=$(b from scratch)
    b copy "$c" "$tmp/pause" /pause >/dev/null
    b config --entrypoint '["/pause"]' --user 65535:65535 "$c"
    b commit -q --rm "$c" "$ref" >/dev/null
    b push -q "$ref" "docker-archive:$tmp/image.tar:$ref" >&2
# recipe pause end
    mv "$tmp/image.tar" "$archive"
    rm -rf "$tmp"
    find "$images" -maxdepth 1 -name "agent-pause-*.tar" ! -name "$(basename "$archive")" -delete
    log "built $ref"
  fi
  echo "pause=$ref"
  echo "pause_ARCHIVE=$archive"
}

olm-tools() {
  local bin key ref archive tmp c tool
  bin=${TEST_BED_BIN:-$("$here/build.sh" | tail -n 1)}
  key=$({ recipe olm-tools; for tool in opm grpc_health_probe cpb copy-content; do sha256sum <"$bin/$tool"; done; } | hash_of)
  ref=localhost/agent-olm-tools:$key
  archive=$images/agent-olm-tools-$key.tar
  if [[ ! -f $archive ]]; then
# recipe olm-tools begin
    tmp=$(mktemp -d "$images/.olm-tools.XXXXXX")
    # the busybox-static package's files only (no dpkg, no apt): /bin/busybox
    mmdebstrap --variant=extract --include=busybox-static --aptopt='Acquire::Retries "3"' bookworm "$tmp/busybox.tar" \
      "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" "deb $SECURITY_MIRROR bookworm-security main" \
      >"$tmp/mmdebstrap.log" 2>&1 || { tail -n 30 "$tmp/mmdebstrap.log" >&2; log "mmdebstrap failed"; exit 1; }
    mkdir -p "$tmp/root/bin" "$tmp/root/tmp"
    chmod 1777 "$tmp/root/tmp"
    tar -xf "$tmp/busybox.tar" -C "$tmp/root" ./bin/busybox
    ln -s busybox "$tmp/root/bin/cp"
    for tool in opm grpc_health_probe cpb copy-content; do install -m 0755 "$bin/$tool" "$tmp/root/bin/$tool"; done
    tar -C "$tmp/root" -cf "$tmp/root.tar" .
    c=$(b from scratch)
    b add "$c" "$tmp/root.tar" / >/dev/null
    b config --env PATH=/bin --workingdir / --entrypoint '["/bin/opm"]' "$c"
    b commit -q --rm "$c" "$ref" >/dev/null
    b push -q "$ref" "docker-archive:$tmp/image.tar:$ref" >&2
# recipe olm-tools end
    mv "$tmp/image.tar" "$archive"
    rm -rf "$tmp"
    find "$images" -maxdepth 1 -name "agent-olm-tools-*.tar" ! -name "$(basename "$archive")" -delete
    log "built $ref"
  fi
  echo "olm-tools=$ref"
  echo "olm-tools_ARCHIVE=$archive"
}

(($#)) || set -- operator runner pause
for what in "$@"; do
  case $what in
    operator | runner | runner-testca | pause | olm-tools) "$what" ;;
    *) echo "usage: $0 [operator|runner|runner-testca|pause|olm-tools]..." >&2; exit 2 ;;
  esac
done
