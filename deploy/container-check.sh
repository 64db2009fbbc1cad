#!/usr/bin/env bash
# Builds deploy/Dockerfile and runs the image on a machine with no container registry, with Debian's buildah:
# the two base images (the Dockerfile's BUILD_IMAGE and RUNTIME_IMAGE arguments) are made here from Debian
# packages with debootstrap, plus this machine's installed Node.js 20 (Debian bookworm's own nodejs is 18,
# below the project's minimum). Then it builds the image and runs its entry point as the image configures it
# (user, environment, working directory, data volume), checks GET /readyz from outside, the HEALTHCHECK
# command inside, that the node runs as uid 10001, and that SIGTERM stops it with exit code 0.
#
#   deploy/container-check.sh [--keep]      as root; needs debootstrap and buildah (apt-get install debootstrap buildah)
#
# Containers run with buildah's chroot isolation, not an OCI runtime: on a machine where crun cannot start
# containers (cgroups in hybrid mode, RLIMIT_NOFILE not raisable) this is what can run the image. The base
# images are kept between runs (podman images); --keep also keeps the built image localhost/idnode:check.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_BASE=localhost/idnode-base-build:bookworm
RUNTIME_BASE=localhost/idnode-base-runtime:bookworm
IMAGE=localhost/idnode:check
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
keep=0
[ "${1:-}" = "--keep" ] && keep=1

work="$(mktemp -d "${TMPDIR:-/tmp}/idnode-container-check.XXXXXX")"
containers=()
runner=""
node_pid=""
cleanup() {
  # A failed check must not leave the node running.
  [ -z "$node_pid" ] || kill -TERM "$node_pid" 2>/dev/null || true
  if [ -n "$runner" ] && kill -0 "$runner" 2>/dev/null; then
    kill -TERM "$runner" 2>/dev/null || true
    wait "$runner" 2>/dev/null || true
  fi
  for c in "${containers[@]}"; do buildah rm "$c" >/dev/null 2>&1 || true; done
  [ "$keep" = 1 ] || buildah rmi "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { echo "container-check: $* ($(date +%T))"; }

# A base image from a debootstrap of bookworm (minbase) with `packages`, and Node.js 20 copied from this machine.
make_base() {
  local tag="$1" packages="$2" rootfs="$work/rootfs-${1##*:}-$RANDOM" ctr mnt
  if buildah inspect --type image "$tag" >/dev/null 2>&1; then
    step "base image $tag exists"
    return
  fi
  step "debootstrap for $tag"
  debootstrap --variant=minbase ${packages:+--include="$packages"} bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { cat "$work/debootstrap.log" >&2; return 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  mkdir -p "$rootfs/usr/include" "$rootfs/usr/lib/node_modules"
  cp -a "$(readlink -f "$(command -v node)")" "$rootfs/usr/bin/node"
  cp -a /usr/lib/node_modules/npm "$rootfs/usr/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/bin/npx"
  [ -d /usr/include/node ] && cp -a /usr/include/node "$rootfs/usr/include/node"
  # The build base gets the certificate authorities this machine trusts, so that npm in the build reaches the
  # registry as this machine's npm does (also through a TLS-inspecting proxy whose CA only this machine trusts).
  local env=(--env npm_config_nodedir=/usr)
  if [ "$tag" = "$BUILD_BASE" ]; then
    cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    env+=(--env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  fi
  ctr="$(buildah from scratch)"
  containers+=("$ctr")
  mnt="$(buildah mount "$ctr")"
  cp -a "$rootfs"/. "$mnt"/
  buildah umount "$ctr" >/dev/null
  # node-gyp finds the headers of this node here instead of downloading them (which needs nodejs.org).
  buildah config "${env[@]}" --cmd '["node"]' "$ctr"
  buildah commit -q "$ctr" "$tag" >/dev/null
  rm -rf "$rootfs"
}

started=$(date +%s)
make_base "$RUNTIME_BASE" ""
make_base "$BUILD_BASE" "python3,make,g++,ca-certificates"
bases_done=$(date +%s)

step "building deploy/Dockerfile"
# Docker format: the OCI image format has no HEALTHCHECK (buildah would drop it).
buildah bud --isolation chroot --format docker --layers -q -f "$REPO_ROOT/deploy/Dockerfile" \
  --build-arg BUILD_IMAGE="$BUILD_BASE" --build-arg RUNTIME_IMAGE="$RUNTIME_BASE" -t "$IMAGE" "$REPO_ROOT" >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; exit 1; }
built=$(date +%s)

# What the image says about itself.
buildah inspect --type image "$IMAGE" >"$work/image.json"
image_field() { node -e 'const image = require(process.argv[1]); console.log(eval(process.argv[2]))' "$work/image.json" "$1"; }
echo "container-check: image config $(image_field 'JSON.stringify(image.Docker.config)')"
user="$(image_field 'image.Docker.config.User')"
[ "$user" = "10001:10001" ] || { echo "container-check: image user is '$user', not 10001:10001" >&2; exit 1; }
read -r -a entrypoint <<<"$(image_field '[...image.Docker.config.Entrypoint, ...image.Docker.config.Cmd].join(" ")')"
[ "$(image_field 'image.Docker.config.Healthcheck.Test[0]')" = CMD ] || { echo "container-check: no HEALTHCHECK CMD in the image" >&2; exit 1; }
read -r -a healthcheck <<<"$(image_field 'image.Docker.config.Healthcheck.Test.slice(1).join(" ")')"
size="$(podman image inspect --format '{{.Size}}' "$IMAGE" 2>/dev/null || true)"

# Run the entry point as the image configures it, on a fresh data volume owned by the image's user, its HTTP
# port moved to a free one (chroot isolation shares this machine's network).
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
mkdir -p "$work/data" && chown 10001:10001 "$work/data"
ctr="$(buildah from "$IMAGE")"
containers+=("$ctr")
step "running: ${entrypoint[*]} (uid 10001, HTTP port $port)"
buildah run --isolation chroot --user 10001:10001 -v "$work/data:/var/lib/idnode" \
  --env IDNODE_HTTP_PORT="$port" --env IDNODE_GRPC_PORT=off --env IDNODE_HDL_PORT=off \
  "$ctr" -- "${entrypoint[@]}" >"$work/stdout.log" 2>"$work/stderr.log" &
runner=$!
ready=0
for _ in $(seq 1 300); do
  if curl -sf "http://127.0.0.1:$port/readyz" >"$work/readyz.json" 2>/dev/null; then ready=1; break; fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "container-check: the node did not become ready" >&2; cat "$work/stderr.log" "$work/stdout.log" >&2; exit 1; }
echo "container-check: GET /readyz from outside: $(cat "$work/readyz.json")"
grep -q '"status":"ready"' "$work/readyz.json"
# The HEALTHCHECK command, run inside the image as the image's user.
buildah run --isolation chroot --user 10001:10001 --env IDNODE_HTTP_PORT="$port" "$ctr" -- "${healthcheck[@]}"
echo "container-check: HEALTHCHECK (${healthcheck[*]}) exited 0"
# The node process: the descendant of the runner whose command line is the entry point.
node_pid="$(ps -e -o pid=,ppid=,args= | awk -v root="$runner" '
  { parent[$1] = $2; $1 = $1; line[$1] = $0 }
  END { for (p in line) { q = p; while (q in parent && q != root) q = parent[q]; if (p != root && q == root && line[p] ~ /^[0-9]+ [0-9]+ (\/usr\/bin\/)?node \/app\/dist\/cli\/main\.js serve$/) print p } }' | head -n 1)"
[ -n "$node_pid" ] || { echo "container-check: no node process found" >&2; exit 1; }
uid="$(awk '/^Uid:/ {print $2}' "/proc/$node_pid/status")"
[ "$uid" = 10001 ] || { echo "container-check: the node runs as uid $uid" >&2; exit 1; }
echo "container-check: the node (pid $node_pid) runs as uid $uid"
[ -f "$work/data/idnode.sqlite" ] || { echo "container-check: no store on the data volume" >&2; exit 1; }
echo "container-check: the SQLite store is on the volume"
grep -q "credentials issued" "$work/stderr.log" && echo "container-check: first-run credentials printed on stderr"
kill -TERM "$node_pid"
code=0
wait "$runner" || code=$?
[ "$code" = 0 ] || { echo "container-check: exit code $code after SIGTERM" >&2; tail -n 5 "$work/stdout.log" >&2; exit 1; }
grep -q '"msg":"idnode stopped"' "$work/stdout.log"
echo "container-check: SIGTERM: drained and exited 0"
echo "container-check: OK (base images $((bases_done - started)) s, image build $((built - bases_done)) s, image size ${size:-unknown} bytes)"
