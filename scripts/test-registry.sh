#!/usr/bin/env bash
# A Docker registry (Debian's docker-registry, distribution v2) on a loopback port, for the Swarm
# tests. Plain http: dockerd allows insecure registries on 127.0.0.0/8 by default. Touches no system
# registry configuration (/etc/docker/registry) or storage.
#   test-registry.sh start DIR PORT   config and storage under DIR, listening on 127.0.0.1:PORT (DIR/registry.pid)
#   test-registry.sh stop DIR         stops it and removes DIR
set -euo pipefail
cmd=${1:-}
dir=${2:-}
case "$dir" in /tmp/?*) ;; *) echo "test-registry: DIR must be under /tmp" >&2; exit 2 ;; esac
case "$cmd" in
start)
  port=${3:?port}
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
CONF
  nohup /usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  for _ in $(seq 1 40); do
    if curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1; then exit 0; fi
    sleep 0.25
  done
  echo "test-registry: registry did not start" >&2; cat "$dir/registry.log" >&2; exit 1
  ;;
stop)
  [ -f "$dir/registry.pid" ] && kill "$(cat "$dir/registry.pid")" 2>/dev/null || true
  rm -rf "$dir"
  ;;
*) echo "usage: test-registry.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
