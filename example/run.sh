#!/usr/bin/env bash
# Runs deployer on a bundled example app you can deploy to at once:
#   example/.work/origin.git  the app's "GitHub" (a bare repo); its post-receive hook sends
#                             a signed push webhook to deployer, as GitHub would
#   example/.work/dev         your clone: edit, commit, git push
#   example/.work/checkout    the checkout deployer deploys (config `path`)
#   example/.work/nginx       a Debian nginx this script starts: it serves the app on http://127.0.0.1:8080
#                             and deployer switches it to each new container (zeroDowntime)
# deployer listens on http://127.0.0.1:8000 (/docs for the API).
# Needs git, Docker, Compose and nginx; scripts/setup-host.sh installs them (as root) when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/example/.work"
cli="$root/dist/deployer.js"

bash "$root/scripts/setup-host.sh"
[ -f "$cli" ] || (cd "$root" && npm run build --silent)

if [ ! -d "$work/origin.git" ]; then
  mkdir -p "$work"
  git init -q --bare -b main "$work/origin.git"
  git clone -q "$work/origin.git" "$work/dev" 2>/dev/null
  cp -r "$root/example/app/." "$work/dev/"
  cp /bin/busybox "$work/dev/busybox"
  sed -i '/^busybox$/d' "$work/dev/.gitignore"
  (cd "$work/dev" && git checkout -q -b main && git add -A &&
    git -c user.name=example -c user.email=example@localhost commit -q -m "example app" && git push -q -u origin main)
  git clone -q "$work/origin.git" "$work/checkout"
  secret=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')
  token=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
  printf 'GITHUB_WEBHOOK_SECRET=%s\nDEPLOYER_API_TOKEN=%s\n' "$secret" "$token" > "$work/.env"
  cat > "$work/deployer.yml" <<YML
server: { host: 127.0.0.1, port: 8000 }
dataDir: ./data
logFile: ./webhook_server.log
secret: \${GITHUB_WEBHOOK_SECRET}
apiToken: \${DEPLOYER_API_TOKEN}
apps:
  example:
    repo: local/example
    path: ./checkout
    branch: main
    healthcheck: { url: "http://127.0.0.1:8080/version.txt", expect: 200, timeout: 30 }
    # A new container starts beside the serving one; nginx switches to it once it is healthy.
    zeroDowntime:
      service: web
      port: 8080
      drain: 2
      proxy:
        nginx:
          confDir: $work/nginx/conf.d
          reload: [nginx, -c, $work/nginx/nginx.conf, -p, $work/nginx, -s, reload]
          listen: 127.0.0.1:8080
YML
  # What GitHub does on a push, done by the bare repo: a signed push webhook to deployer.
  cat > "$work/origin.git/hooks/post-receive" <<HOOK
#!/bin/sh
# Hooks run with GIT_DIR pointing at this bare repo; deployer's git must not inherit it.
unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
cd "$work" && node "$cli" send-test example --config "$work/deployer.yml"
HOOK
  chmod +x "$work/origin.git/hooks/post-receive"
fi

# The example's own nginx (not the system one): its config includes the file deployer writes.
ngx="$work/nginx"
if [ ! -f "$ngx/nginx.conf" ]; then
  mkdir -p "$ngx/conf.d" "$ngx/logs"
  cat > "$ngx/nginx.conf" <<NGINX
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $ngx/body; proxy_temp_path $ngx/proxy;
  fastcgi_temp_path $ngx/fastcgi; uwsgi_temp_path $ngx/uwsgi; scgi_temp_path $ngx/scgi;
  include $ngx/conf.d/*.conf;
}
NGINX
fi
if ! { [ -f "$ngx/nginx.pid" ] && kill -0 "$(cat "$ngx/nginx.pid")" 2>/dev/null; }; then
  nginx -c "$ngx/nginx.conf" -p "$ngx"
fi

cat <<MSG
deployer example
  app:        http://127.0.0.1:8080/        (first deploy starts now)
  dashboard:  http://127.0.0.1:8000/         (API token in example/.work/.env)
  API docs:   http://127.0.0.1:8000/docs
  proxy:      nginx -c example/.work/nginx/nginx.conf -p example/.work/nginx (stop it with -s stop)
  try:        cd example/.work/dev && date > site/version.txt && git -c user.name=you -c user.email=you@localhost commit -qam "new version" && git push
  CLI:        cd example/.work && set -a && . ./.env && set +a && node $cli status
MSG
cd "$work"
# Deploy what is on origin now, once the server answers.
( for _ in $(seq 1 50); do sleep 0.2; node "$cli" send-test example >/dev/null 2>&1 && break; done ) &
exec node "$cli" serve --config "$work/deployer.yml"
