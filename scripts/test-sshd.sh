#!/usr/bin/env bash
# An OpenSSH server on a loopback port, for the ssh:// multi-host tests. Needs root and Debian's
# openssh-server (setup-host.sh installs it). Touches no system ssh configuration.
#   test-sshd.sh start DIR PORT   host key, a passphrase-less client key (DIR/client_key) allowed to log in
#                                 as the current user, and sshd on 127.0.0.1:PORT (DIR/sshd.pid)
#   test-sshd.sh stop DIR         stops that sshd and removes DIR
set -euo pipefail
cmd=${1:-}
dir=${2:-}
case "$dir" in /tmp/?*) ;; *) echo "test-sshd: DIR must be under /tmp" >&2; exit 2 ;; esac
case "$cmd" in
start)
  port=${3:?port}
  mkdir -p "$dir" /run/sshd
  ssh-keygen -q -t ed25519 -N "" -f "$dir/host_key"
  ssh-keygen -q -t ed25519 -N "" -f "$dir/client_key" -C h12-test
  cp "$dir/client_key.pub" "$dir/authorized_keys"
  cat >"$dir/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
MaxStartups 100
MaxSessions 100
CONF
  /usr/sbin/sshd -f "$dir/sshd_config" -E "$dir/sshd.log"
  for _ in $(seq 1 40); do [ -s "$dir/sshd.pid" ] && exit 0; sleep 0.25; done
  echo "test-sshd: sshd did not start" >&2; cat "$dir/sshd.log" >&2; exit 1
  ;;
stop)
  [ -f "$dir/sshd.pid" ] && kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
  rm -rf "$dir"
  ;;
*) echo "usage: test-sshd.sh start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
