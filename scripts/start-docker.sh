#!/usr/bin/env bash
# Starts a Docker engine if none answers. Needs root. Exits non-zero if the engine cannot start.
set -euo pipefail
if docker info >/dev/null 2>&1; then echo "docker engine already running"; exit 0; fi
command -v dockerd >/dev/null || { echo "dockerd not installed (apt-get install docker.io)" >&2; exit 1; }
log=${DOCKERD_LOG:-/tmp/dockerd.log}
# vfs + no iptables: works inside the sandboxed machines this project runs on.
nohup dockerd --iptables=false --storage-driver=vfs >"$log" 2>&1 &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "docker engine started"; exit 0; fi
  sleep 1
done
echo "docker engine did not start within 60 s; last log lines:" >&2
tail -n 30 "$log" >&2
exit 1
