#!/usr/bin/env bash
# Makes this host ready to run deployer and its tests: git, a Docker engine, Compose, and
# busybox-static (the test and example apps are FROM scratch images with a static busybox),
# nginx and caddy (the proxies of zero-downtime deploys),
# and with DEPLOYER_SETUP_BROWSER=1 (npm test) Debian's chromium for the dashboard tests.
# Installs missing Debian packages with apt-get (needs root) and starts dockerd if no engine answers.
# Quick and silent when everything is already there.
# `setup-host.sh second-engine start|halt|stop DIR` (scripts/second-dockerd.sh) and
# `setup-host.sh sshd start DIR PORT|stop DIR` (scripts/test-sshd.sh): a second Docker engine and an
# OpenSSH server on loopback for the multi-host tests, and `setup-host.sh registry start DIR PORT|stop DIR`
# (scripts/test-registry.sh): a Docker registry on loopback for the Swarm test; the tests start and stop them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if [ "${1:-}" = second-engine ]; then shift; exec bash "$here/second-dockerd.sh" "$@"; fi
if [ "${1:-}" = sshd ]; then shift; exec bash "$here/test-sshd.sh" "$@"; fi
if [ "${1:-}" = registry ]; then shift; exec bash "$here/test-registry.sh" "$@"; fi

need=()
command -v git >/dev/null || need+=(git)
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q static || need+=(busybox-static)
command -v file >/dev/null || need+=(file)
# The zero-downtime proxies: the example runs behind nginx, the tests use nginx and caddy.
command -v nginx >/dev/null || need+=(nginx)
command -v caddy >/dev/null || need+=(caddy)
# The ssh:// multi-host tests log in to an sshd on a loopback port.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
# The Swarm test pushes to a registry on a loopback port, and waits for it with curl.
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v curl >/dev/null || need+=(curl)
# Compose v1's docker-py needs paramiko for any ssh:// engine, even when it runs the ssh client.
if command -v docker-compose >/dev/null && [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import paramiko' 2>/dev/null; then
  need+=(python3-paramiko)
fi
if [ "${DEPLOYER_SETUP_BROWSER:-}" = 1 ] && ! command -v chromium >/dev/null; then need+=(chromium); fi

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-host: missing Debian packages: ${need[*]}; run as root: sudo $0" >&2
    exit 1
  fi
  echo "setup-host: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-host: no Docker engine answers; start it (sudo systemctl start docker) or run: sudo $0" >&2
    exit 1
  fi
  bash "$here/start-docker.sh"
fi

# Caddy binds a new SO_REUSEPORT socket on each admin-API change and closes the old one; without
# this the kernel resets the connections still queued on the old socket (README, "Caddy").
mig=/proc/sys/net/ipv4/tcp_migrate_req
if [ -w "$mig" ] && [ "$(cat "$mig")" = 0 ]; then
  echo 1 >"$mig" && echo "setup-host: set net.ipv4.tcp_migrate_req=1 (for Caddy's reloads)"
fi
