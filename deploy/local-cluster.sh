#!/usr/bin/env bash
# The compose topology (deploy/compose.yaml) as plain processes on this machine, for trying replicas without a
# container engine: a PostgreSQL database, idnode replicas on it, and Debian's nginx in front of them with the
# configuration of deploy/nginx.conf (its upstreams and listeners rewritten to 127.0.0.1 and the ports chosen
# here). Everything lives in one state directory; nothing is left running when it stops.
#
#   deploy/local-cluster.sh [start] [--dir DIR] [--replicas N] [--database-url URL] [--idnode-cmd CMD]
#       Starts everything, prints the addresses, then stays in the foreground until SIGINT/SIGTERM or
#       `stop`, and stops everything. Default database: a new database idnode_cluster_<random> on the
#       PostgreSQL server at 127.0.0.1:5432, dropped at stop (--database-url: an existing one, kept).
#       --idnode-cmd: how to run the CLI (default: node dist/cli/main.js; run `npm run build` first).
#   deploy/local-cluster.sh stop --dir DIR                  stops a cluster started with --dir DIR
#   deploy/local-cluster.sh replica-start N --dir DIR       starts replica N again (after it was killed)
#
# The state directory holds cluster.json (the addresses and pids), replica-N.log / replica-N.err (on a new
# database, one replica's stderr has the first-run credentials), nginx's configuration and logs.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAINTENANCE_URL_DEFAULT="postgres://127.0.0.1:5432/postgres"

die() {
  echo "local-cluster: $*" >&2
  exit 2
}

command_name="start"
case "${1:-}" in
  start | stop | replica-start)
    command_name="$1"
    shift
    ;;
esac
replica_arg=""
if [ "$command_name" = "replica-start" ]; then
  replica_arg="${1:-}"
  [[ "$replica_arg" =~ ^[1-9][0-9]*$ ]] || die "replica-start needs a replica number, got '${replica_arg}'"
  shift
fi

dir=""
replicas=2
database_url=""
idnode_cmd=""
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="${2:?--dir needs a directory}"; shift 2 ;;
    --replicas) replicas="${2:?--replicas needs a number}"; shift 2 ;;
    --database-url) database_url="${2:?--database-url needs a URL}"; shift 2 ;;
    --idnode-cmd) idnode_cmd="${2:?--idnode-cmd needs a command}"; shift 2 ;;
    *) die "unknown argument '$1' (see the comment at the top of $0)" ;;
  esac
done
[[ "$replicas" =~ ^[1-9]$ ]] || die "--replicas must be 1 to 9, got '${replicas}'"

# --- state: one shell-sourceable file (env) and one JSON file (cluster.json) for other programs ----------------

state_get() { # NAME: a value of DIR/env
  sed -n "s/^$1=//p" "$dir/env" | tail -n 1
}

pid_alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null
}

# --- replicas ----------------------------------------------------------------------------------------------------

# Starts replica N in the background on its ports from DIR/env (wait_replica waits for it).
launch_replica() {
  local n="$1"
  local http grpc hdl cmd
  http="$(state_get "REPLICA_${n}_HTTP")"
  grpc="$(state_get "REPLICA_${n}_GRPC")"
  hdl="$(state_get "REPLICA_${n}_HDL")"
  [ -n "$http" ] || die "no replica $n in $dir"
  pid_alive "$(cat "$dir/replica-$n.pid" 2>/dev/null)" && die "replica $n is already running"
  read -r -a cmd <<<"$(state_get CLI_COMMAND)"
  rm -f "$dir/replica-$n.ready.json"
  # Replicas of one store sign one ledger: they share one key file (the first to start creates it).
  # setsid: its own process group, so a Ctrl-C in the terminal reaches this script only, which then stops the
  # replicas in order. The database URL goes through the environment, never the command line (ps shows that).
  IDNODE_DATABASE_URL="$(state_get DATABASE_URL)" setsid "${cmd[@]}" serve \
    --store postgres --node-prefix 88.999 \
    --host 127.0.0.1 --http-port "$http" --grpc-port "$grpc" --hdl-port "$hdl" \
    --ready-file "$dir/replica-$n.ready.json" --log-level info \
    --signing-key-file "$dir/node-key.pem" \
    >>"$dir/replica-$n.log" 2>>"$dir/replica-$n.err" </dev/null &
  echo $! >"$dir/replica-$n.pid"
  disown $!
}

# Waits until replica N has written its ready file; fails (printing its stderr) if it exits first or takes 120 s.
wait_replica() {
  local n="$1" waited=0
  until [ -s "$dir/replica-$n.ready.json" ]; do
    if ! pid_alive "$(cat "$dir/replica-$n.pid")"; then
      echo "local-cluster: replica $n exited before it was ready; its stderr:" >&2
      cat "$dir/replica-$n.err" >&2
      return 1
    fi
    waited=$((waited + 1))
    [ "$waited" -le 1200 ] || { echo "local-cluster: replica $n not ready after 120 s" >&2; return 1; }
    sleep 0.1
  done
}

stop_pid_file() { # FILE: SIGTERM the pid it names, wait up to 15 s, then SIGKILL
  local pid
  pid="$(cat "$1" 2>/dev/null || true)"
  if pid_alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

# --- stop ----------------------------------------------------------------------------------------------------------

stopped=0
stop_all() {
  [ "$stopped" = 1 ] && return
  stopped=1
  trap - INT TERM
  echo "local-cluster: stopping" >&2
  stop_pid_file "$dir/nginx.pid.supervised"
  for pid_file in "$dir"/replica-*.pid; do
    [ -e "$pid_file" ] && stop_pid_file "$pid_file"
  done
  if [ "$(state_get DROP_DATABASE)" = 1 ]; then
    psql "$(state_get MAINTENANCE_URL)" -q -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"$(state_get DATABASE_NAME)\" WITH (FORCE)" >/dev/null ||
      echo "local-cluster: could not drop database $(state_get DATABASE_NAME)" >&2
  fi
  rm -f "$dir/cluster.pid"
  echo "local-cluster: stopped" >&2
}

if [ "$command_name" = "stop" ]; then
  [ -n "$dir" ] || die "stop needs --dir DIR"
  [ -f "$dir/env" ] || die "no cluster in $dir"
  supervisor="$(cat "$dir/cluster.pid" 2>/dev/null || true)"
  if pid_alive "$supervisor"; then
    # The foreground script stops everything itself; wait until it has.
    kill -TERM "$supervisor"
    for _ in $(seq 1 300); do pid_alive "$supervisor" || exit 0; sleep 0.1; done
    die "the cluster (pid $supervisor) did not stop within 30 s"
  fi
  stop_all
  exit 0
fi

if [ "$command_name" = "replica-start" ]; then
  [ -n "$dir" ] || die "replica-start needs --dir DIR"
  [ -f "$dir/env" ] || die "no cluster in $dir"
  launch_replica "$replica_arg"
  wait_replica "$replica_arg"
  echo "replica $replica_arg: $(cat "$dir/replica-$replica_arg.ready.json")"
  exit 0
fi

# --- start ---------------------------------------------------------------------------------------------------------

command -v nginx >/dev/null || die "nginx is not installed (apt-get install nginx)"
command -v psql >/dev/null || die "psql is not installed (apt-get install postgresql-client)"
if [ -z "$idnode_cmd" ]; then
  [ -f "$REPO_ROOT/dist/cli/main.js" ] || die "no $REPO_ROOT/dist/cli/main.js: run npm run build first, or give --idnode-cmd"
  idnode_cmd="node $REPO_ROOT/dist/cli/main.js"
fi
if [ -z "$dir" ]; then
  dir="$(mktemp -d "${TMPDIR:-/tmp}/idnode-cluster.XXXXXX")"
else
  mkdir -p "$dir"
  [ ! -f "$dir/cluster.pid" ] || ! pid_alive "$(cat "$dir/cluster.pid")" || die "a cluster is already running in $dir"
fi
dir="$(cd "$dir" && pwd)"
rm -f "$dir"/env "$dir"/cluster.json "$dir"/replica-*.pid "$dir"/replica-*.log "$dir"/replica-*.err "$dir"/nginx.pid*
echo $$ >"$dir/cluster.pid"
trap stop_all EXIT
trap 'exit 0' INT TERM

# Free ports for every listener, asked of the system at once (3 per replica and 3 for nginx). A UDP listener
# shares its number with the TCP one, as the node's Handle protocol port does.
count=$((3 * replicas + 3))
read -r -a ports <<<"$(node -e '
  const net = require("node:net");
  const servers = Array.from({ length: Number(process.argv[1]) }, () => net.createServer());
  Promise.all(servers.map((s) => new Promise((ok) => s.listen(0, "127.0.0.1", ok)))).then(() => {
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  });' "$count")"

{
  echo "CLI_COMMAND=$idnode_cmd"
  if [ -n "$database_url" ]; then
    echo "DATABASE_URL=$database_url"
    echo "DROP_DATABASE=0"
  else
    name="idnode_cluster_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    echo "MAINTENANCE_URL=$MAINTENANCE_URL_DEFAULT"
    echo "DATABASE_NAME=$name"
    echo "DATABASE_URL=postgres://127.0.0.1:5432/$name"
    echo "DROP_DATABASE=1"
  fi
  for n in $(seq 1 "$replicas"); do
    base=$((3 * (n - 1)))
    echo "REPLICA_${n}_HTTP=${ports[$base]}"
    echo "REPLICA_${n}_GRPC=${ports[$((base + 1))]}"
    echo "REPLICA_${n}_HDL=${ports[$((base + 2))]}"
  done
  echo "BALANCER_HTTP=${ports[$((3 * replicas))]}"
  echo "BALANCER_GRPC=${ports[$((3 * replicas + 1))]}"
  echo "BALANCER_HDL=${ports[$((3 * replicas + 2))]}"
} >"$dir/env"

if [ "$(state_get DROP_DATABASE)" = 1 ]; then
  psql "$(state_get MAINTENANCE_URL)" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$(state_get DATABASE_NAME)\" ENCODING 'UTF8' TEMPLATE template0" >/dev/null
fi

# All replicas at once: migrations queue on a PostgreSQL advisory lock, and exactly one replica issues the
# first-run credentials (printed once, in its replica-N.err).
for n in $(seq 1 "$replicas"); do launch_replica "$n"; done
for n in $(seq 1 "$replicas"); do wait_replica "$n"; done

# nginx: deploy/nginx.conf with each replica's host:port and each listener rewritten, one worker (this is a
# test bench), and its pid, logs and temporary files in the state directory.
mkdir -p "$dir/nginx"
sed_args=(-e 's/^worker_processes .*/worker_processes 1;/'
  -e "s#^http {#http {\n  client_body_temp_path $dir/nginx/body;\n  proxy_temp_path $dir/nginx/proxy;\n  fastcgi_temp_path $dir/nginx/fastcgi;\n  uwsgi_temp_path $dir/nginx/uwsgi;\n  scgi_temp_path $dir/nginx/scgi;#"
  -e "s/listen 8000;/listen 127.0.0.1:$(state_get BALANCER_HTTP);/"
  -e "s/listen 8001;/listen 127.0.0.1:$(state_get BALANCER_GRPC);/"
  -e "s/listen 2641;/listen 127.0.0.1:$(state_get BALANCER_HDL);/"
  -e "s/listen 2641 udp;/listen 127.0.0.1:$(state_get BALANCER_HDL) udp;/")
# deploy/nginx.conf names idnode-1 and idnode-2: replicas beyond 2 are added beside idnode-2's lines.
for n in $(seq 3 "$replicas"); do
  sed_args+=(-e "s/^\(\s*server idnode-\)2:\([0-9]*\)\(.*\)$/&\n\1$n:\2\3/")
done
for n in $(seq 1 "$replicas"); do
  sed_args+=(-e "s/idnode-$n:8000/127.0.0.1:$(state_get "REPLICA_${n}_HTTP")/"
    -e "s/idnode-$n:8001/127.0.0.1:$(state_get "REPLICA_${n}_GRPC")/"
    -e "s/idnode-$n:2641/127.0.0.1:$(state_get "REPLICA_${n}_HDL")/")
done
{
  # Debian builds the stream module (TCP and UDP balancing) as a dynamic module: package libnginx-mod-stream.
  if nginx -V 2>&1 | grep -q -- '--with-stream=dynamic'; then
    stream_module="$(find /usr/lib/nginx/modules -name ngx_stream_module.so 2>/dev/null | head -n 1)"
    [ -n "$stream_module" ] || die "nginx's stream module is missing (apt-get install libnginx-mod-stream)"
    echo "load_module $stream_module;"
  fi
  sed "${sed_args[@]}" "$REPO_ROOT/deploy/nginx.conf"
} >"$dir/nginx/nginx.conf"
if [ "$replicas" -lt 2 ]; then sed -i '/server idnode-2:/d' "$dir/nginx/nginx.conf"; fi
nginx -q -t -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" -g "daemon off; pid $dir/nginx/nginx.pid; error_log $dir/nginx/error.log;"
nginx -p "$dir/nginx" -e "$dir/nginx/error.log" -c "$dir/nginx/nginx.conf" -g "daemon off; pid $dir/nginx/nginx.pid; error_log $dir/nginx/error.log;" \
  >>"$dir/nginx/stdout.log" 2>&1 </dev/null &
echo $! >"$dir/nginx.pid.supervised"
disown $!
for _ in $(seq 1 100); do [ -s "$dir/nginx/nginx.pid" ] && break; sleep 0.1; done
[ -s "$dir/nginx/nginx.pid" ] || { cat "$dir/nginx/error.log" >&2; die "nginx did not start"; }

echo "idnode local cluster ($replicas replicas on PostgreSQL, nginx in front), state in $dir"
echo "  balancer: REST http://127.0.0.1:$(state_get BALANCER_HTTP)  gRPC 127.0.0.1:$(state_get BALANCER_GRPC)  Handle protocol 127.0.0.1:$(state_get BALANCER_HDL) (TCP and UDP)"
for n in $(seq 1 "$replicas"); do
  echo "  replica $n: REST http://127.0.0.1:$(state_get "REPLICA_${n}_HTTP")  gRPC 127.0.0.1:$(state_get "REPLICA_${n}_GRPC")  Handle protocol 127.0.0.1:$(state_get "REPLICA_${n}_HDL")  (pid $(cat "$dir/replica-$n.pid"))"
done
echo "  first-run credentials (shown once): $(grep -l 'credentials issued' "$dir"/replica-*.err 2>/dev/null || echo "none: the database was not new")"
echo "  stop: Ctrl-C, or $0 stop --dir $dir"

# cluster.json, written last (whole, by rename): what a program needs to reach every part; its presence
# says everything is serving.
{
  printf '{"dir":"%s","pid":%s,"balancer":{"http":"http://127.0.0.1:%s","grpc":"127.0.0.1:%s","hdl":"127.0.0.1:%s"},"replicas":[' \
    "$dir" "$$" "$(state_get BALANCER_HTTP)" "$(state_get BALANCER_GRPC)" "$(state_get BALANCER_HDL)"
  for n in $(seq 1 "$replicas"); do
    [ "$n" = 1 ] || printf ','
    printf '{"http":"http://127.0.0.1:%s","grpc":"127.0.0.1:%s","hdl":"127.0.0.1:%s"}' \
      "$(state_get "REPLICA_${n}_HTTP")" "$(state_get "REPLICA_${n}_GRPC")" "$(state_get "REPLICA_${n}_HDL")"
  done
  printf ']}\n'
} >"$dir/cluster.json.tmp"
mv "$dir/cluster.json.tmp" "$dir/cluster.json"


# Stay in the foreground until a signal; `wait` returns at once when one arrives (sleep alone would delay it).
while true; do
  sleep 1 &
  wait $! || true
done
