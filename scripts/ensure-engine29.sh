#!/usr/bin/env bash
# Starts today's docker engine beside Debian's: dockerd of the 29 line with the containerd image store, on its own
# containerd and runc (versions in scripts/tools.versions, built by scripts/ensure-tools.sh into .cache/tools).
# Prints the DOCKER_HOST that reaches it (the only line on stdout); everything else goes to stderr.
#   ensure-engine29.sh         build what is missing, start what is not running (a second run only checks)
#   ensure-engine29.sh --stop  stop the two daemons this script started (their state stays for the next start)
# Beside, not instead: Debian's engine keeps /var/run/docker.sock, docker0, its iptables chains and Debian's runc
# (buildkitd's OCI worker uses that one too). This engine gets
#   - its own sockets, roots and pidfiles under $ENGINE29_RUN (/run/pinned-engine29) and $ENGINE29_DATA
#     (/var/lib/pinned-engine29), and its own containerd (config written here, so /etc/containerd is not read);
#   - its own bridge (RUN steps need one: with --bridge=none every RUN fails) on a subnet of its own, and address
#     pools apart from the ones Debian's engine takes;
#   - no iptables management of its own (two daemons rewriting the DOCKER chains would undo each other): the two rules
#     its bridge needs (forward, masquerade) are added here once;
#   - runc from .cache/tools as its default runtime (containerd 2.4 asks for the time namespace, which Debian's
#     runc 1.1 lacks), and containerd's shim from .cache/tools (Debian's containerd package ships a 1.6 one).
# Needs root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf '[ensure-engine29] %s\n' "$*" >&2; }
run_dir=${ENGINE29_RUN:-/run/pinned-engine29}
data_dir=${ENGINE29_DATA:-/var/lib/pinned-engine29}
bridge=pe29br0
bridge_cidr=10.229.0.1/24
subnet=10.229.0.0/24
pools=base=10.230.0.0/16,size=24
sock=$run_dir/docker.sock
csock=$run_dir/containerd.sock
host=unix://$sock

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_one() { # pidfile name
  alive "$1" || return 0
  local pid; pid=$(cat "$1")
  log "stopping $2 (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid" || true
  rm -f "$1"
}

if [ "${1:-}" = "--stop" ]; then
  stop_one "$run_dir/docker.pid" dockerd
  stop_one "$run_dir/containerd.pid" containerd
  exit 0
fi
[ "$(id -u)" = "0" ] || { log "needs root (it starts daemons and adds a bridge)"; exit 1; }

if docker -H "$host" info >/dev/null 2>&1; then printf '%s\n' "$host"; exit 0; fi

started=$SECONDS
dockerd_bin=$(bash "$root/scripts/ensure-tools.sh" --bin dockerd)
containerd_bin=$(bash "$root/scripts/ensure-tools.sh" --bin containerd)
runc_bin=$(bash "$root/scripts/ensure-tools.sh" --bin runc)
# first on PATH for both daemons: the shim containerd starts, the runc the shim calls, dockerd's docker-proxy
path=$dockerd_bin:$containerd_bin:$runc_bin:$PATH
mkdir -p "$run_dir" "$data_dir"

if ! ip link show "$bridge" >/dev/null 2>&1; then
  log "adding bridge $bridge ($bridge_cidr)"
  ip link add name "$bridge" type bridge
fi
case $(ip -4 -o addr show dev "$bridge") in *"inet $bridge_cidr "*) ;; *) ip addr add "$bridge_cidr" dev "$bridge" ;; esac
ip link set "$bridge" up
sysctl -qw net.ipv4.ip_forward=1
ensure_rule() { # table chain rule...
  local table=$1 chain=$2; shift 2
  iptables -t "$table" -C "$chain" "$@" 2>/dev/null || iptables -t "$table" -A "$chain" "$@"
}
ensure_rule filter FORWARD -i "$bridge" -j ACCEPT
ensure_rule filter FORWARD -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
ensure_rule nat POSTROUTING -s "$subnet" ! -o "$bridge" -j MASQUERADE

if ! alive "$run_dir/containerd.pid"; then
  cat >"$run_dir/containerd.toml" <<EOF
version = 3
root = "$data_dir/containerd"
state = "$run_dir/containerd"
# dockerd is its only client: no Kubernetes CRI
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images"]
[grpc]
  address = "$csock"
[ttrpc]
  address = "$csock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  log "starting containerd $("$containerd_bin/containerd" --version | awk '{ print $3 }') (log: $run_dir/containerd.log)"
  rm -f "$csock"
  (PATH=$path setsid nohup "$containerd_bin/containerd" --config "$run_dir/containerd.toml" >"$run_dir/containerd.log" 2>&1 &
   echo $! >"$run_dir/containerd.pid")
  for _ in $(seq 1 60); do [ -S "$csock" ] && break; sleep 0.5; done
  [ -S "$csock" ] || { log "containerd did not come up; last lines of its log:"; tail -n 20 "$run_dir/containerd.log" >&2; exit 1; }
fi

# dockerd removes the default bridge docker0 when it starts with a bridge of its own (--bridge): that is Debian's
# engine's bridge, so note it here and put it back once this engine is up
docker0=$(ip -4 -o addr show dev docker0 2>/dev/null | awk 'NR == 1 { print $4 }')
if ! alive "$run_dir/docker.pid"; then
  # an empty config file of its own: /etc/docker/daemon.json belongs to Debian's engine
  [ -f "$run_dir/daemon.json" ] || echo '{}' >"$run_dir/daemon.json"
  log "starting dockerd $("$dockerd_bin/dockerd" --version | awk '{ print $3 }' | tr -d ,) with the containerd image store (log: $run_dir/dockerd.log)"
  (PATH=$path setsid nohup "$dockerd_bin/dockerd" \
     --config-file "$run_dir/daemon.json" \
     --containerd "$csock" \
     --data-root "$data_dir/docker" \
     --exec-root "$run_dir/exec" \
     --host "$host" \
     --pidfile "$run_dir/docker.pid" \
     --feature containerd-snapshotter=true \
     --bridge "$bridge" \
     --default-address-pool "$pools" \
     --iptables=false --ip6tables=false \
     --add-runtime "runc-tools=$runc_bin/runc" --default-runtime runc-tools \
     >"$run_dir/dockerd.log" 2>&1 &)
fi
for _ in $(seq 1 120); do docker -H "$host" info >/dev/null 2>&1 && break; sleep 0.5; done
if ! docker -H "$host" info >/dev/null 2>&1; then
  log "dockerd did not come up within 60 s; last lines of its log:"; tail -n 30 "$run_dir/dockerd.log" >&2; exit 1
fi
if [ -n "$docker0" ] && ! ip link show docker0 >/dev/null 2>&1; then
  log "putting back docker0 ($docker0), which dockerd removed on start: Debian's engine uses it"
  ip link add name docker0 type bridge && ip addr add "$docker0" dev docker0 && ip link set docker0 up
fi
store=$(docker -H "$host" info --format '{{json .DriverStatus}}')
case $store in
  *io.containerd.snapshotter.v1*) ;;
  *) log "dockerd came up without the containerd image store: $store"; exit 1 ;;
esac
log "ready in $((SECONDS - started)) s: docker $(docker -H "$host" version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'), containerd image store, runc $("$runc_bin/runc" --version | awk 'NR == 1 { print $3 }')"
printf '%s\n' "$host"
