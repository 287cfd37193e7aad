#!/usr/bin/env bash
# A second Docker engine on this machine, for the multi-host tests: its own socket, data root,
# exec root, pidfile and bridge, no iptables, vfs storage. Needs root. Never touches the main engine.
#   second-dockerd.sh start DIR   starts it; its socket is DIR/docker.sock (DOCKER_HOST=unix://DIR/docker.sock)
#   second-dockerd.sh halt DIR    stops it, keeping its data (a host that went down); start brings it back
#   second-dockerd.sh stop DIR    stops it (SIGTERM, then SIGKILL), removes its bridge and DIR
# DIR must be a fresh directory under /tmp; its name gives the bridge its name and subnet.
set -euo pipefail
cmd=${1:-}
dir=${2:-}
case "$dir" in /tmp/?*) ;; *) echo "second-dockerd: DIR must be under /tmp" >&2; exit 2 ;; esac
# A bridge name is at most 15 characters; a checksum of DIR keeps two engines' names and subnets apart.
sum=$(printf %s "$dir" | cksum | cut -d' ' -f1)
bridge="h12br$((sum % 100000))"
octet=$((sum % 200 + 20))
pidfile="$dir/docker.pid"

halt() {
  if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  fi
}

stop() {
  # The bridges of networks made on this engine outlive it: note them while it answers. Compose's are
  # br-<id>; a swarm's docker_gwbridge is named by its bridge.name option.
  links=""
  for id in $(DOCKER_HOST="unix://$dir/docker.sock" docker network ls -q --filter driver=bridge 2>/dev/null || true); do
    name=$(DOCKER_HOST="unix://$dir/docker.sock" docker network inspect -f '{{index .Options "com.docker.network.bridge.name"}}' "$id" 2>/dev/null || true)
    links="$links ${name:-br-${id:0:12}}"
  done
  halt
  for link in $links; do ip link delete "$link" 2>/dev/null || true; done
  ip link delete "$bridge" 2>/dev/null || true
  # The engine's mounts (exec root, vfs layers) must go before its files can.
  grep -o " $dir/[^ ]*" /proc/mounts 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done || true
  rm -rf "$dir"
}

case "$cmd" in
start)
  mkdir -p "$dir"
  ip link add name "$bridge" type bridge 2>/dev/null || true
  ip addr add "10.$octet.0.1/24" dev "$bridge" 2>/dev/null || true
  ip link set "$bridge" up
  nohup dockerd \
    --host "unix://$dir/docker.sock" \
    --data-root "$dir/data" \
    --exec-root "$dir/exec" \
    --pidfile "$pidfile" \
    --bridge "$bridge" \
    --default-address-pool "base=10.$octet.128.0/17,size=24" \
    --iptables=false \
    --ip=127.0.0.1 \
    --storage-driver=vfs \
    >"$dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    if DOCKER_HOST="unix://$dir/docker.sock" docker info >/dev/null 2>&1; then
      echo "unix://$dir/docker.sock"
      exit 0
    fi
    sleep 0.5
  done
  echo "second-dockerd: engine did not start; last log lines:" >&2
  tail -n 20 "$dir/dockerd.log" >&2
  exit 1
  ;;
halt) halt ;;
stop) stop ;;
*) echo "usage: second-dockerd.sh start|halt|stop DIR" >&2; exit 2 ;;
esac
