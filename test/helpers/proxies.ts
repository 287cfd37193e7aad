import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./app-fixture.js";

/** A real reverse proxy started for one test, on loopback ports, with the config block deployer gets. */
export interface TestProxy {
  kind: "nginx" | "caddy";
  /** Where the proxy serves the app. */
  listen: string;
  /** The `zeroDowntime.proxy` value for deployer.yml. */
  config: Record<string, unknown>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${what} did not start on port ${port}`);
}

/** Debian's nginx with its own prefix, pid file and conf.d; deployer writes deployer-<app>.conf there. */
export async function startNginx(dir: string, opts: { slowReloadSeconds?: number } = {}): Promise<TestProxy> {
  const confDir = join(dir, "conf.d");
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(confDir, { recursive: true });
  const conf = join(dir, "nginx.conf");
  const status = await freePort();
  const listen = `127.0.0.1:${await freePort()}`;
  writeFileSync(
    conf,
    `pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${status}; location / { return 204; } }
  include ${confDir}/*.conf;
}
`,
  );
  const base = ["nginx", "-c", conf, "-p", dir];
  execFileSync(base[0] as string, [...base.slice(1)], { stdio: "ignore", timeout: 10_000 });
  await waitForPort(status, "nginx");
  const reload = opts.slowReloadSeconds
    ? ["/bin/sh", "-c", `sleep ${opts.slowReloadSeconds} && exec ${base.join(" ")} -s reload`]
    : [...base, "-s", "reload"];
  return {
    kind: "nginx",
    listen,
    config: { nginx: { confDir, reload, test: [...base, "-t"], listen } },
    async stop() {
      try {
        execFileSync(base[0] as string, [...base.slice(1), "-s", "stop"], { stdio: "ignore", timeout: 10_000 });
      } catch {}
    },
  };
}

/** Debian's caddy, empty but for its admin API on a loopback port; deployer adds its own server. */
export async function startCaddy(dir: string): Promise<TestProxy> {
  mkdirSync(dir, { recursive: true });
  const admin = await freePort();
  const listen = `127.0.0.1:${await freePort()}`;
  const cfg = join(dir, "caddy.json");
  writeFileSync(cfg, JSON.stringify({ admin: { listen: `127.0.0.1:${admin}`, config: { persist: false } } }));
  const proc: ChildProcess = spawn("caddy", ["run", "--config", cfg], {
    stdio: "ignore",
    env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  await waitForPort(admin, "caddy admin API");
  return {
    kind: "caddy",
    listen,
    config: { caddy: { admin: `http://127.0.0.1:${admin}`, listen } },
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
    },
  };
}
