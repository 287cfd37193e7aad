#!/usr/bin/env node
// Counts the connections Debian's Caddy resets while its config changes under load: 32 clients, each
// opening a fresh connection per request, through one Caddy server whose upstream is switched by a
// `PATCH` every 50 ms (what deployer's Caddy switch does once per deploy). Run it with
// net.ipv4.tcp_migrate_req at 0 and at 1 to see what the sysctl changes (README, "Caddy").
//   node bench/caddy-reload.mjs            # BENCH_SECONDS=15, BENCH_CLIENTS=32
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const HOST = "127.0.0.1";
const port = () =>
  new Promise((res) => {
    const s = http.createServer().listen(0, HOST, () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
const upstream = async () => {
  const p = await port();
  await new Promise((res) => http.createServer((_, a) => a.end(String(p))).listen(p, HOST, res));
  return p;
};

const [a, b, listen, adminPort] = [await upstream(), await upstream(), await port(), await port()];
const dir = mkdtempSync(join(tmpdir(), "caddy-reload-"));
const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
const admin = `http://${HOST}:${adminPort}`;
const config = (up) => ({
  admin: { listen: `${HOST}:${adminPort}` },
  apps: {
    http: {
      servers: {
        s: {
          listen: [`${HOST}:${listen}`],
          automatic_https: { disable: true },
          routes: [{ "@id": "r", handle: [{ handler: "reverse_proxy", upstreams: [{ dial: `${HOST}:${up}` }] }] }],
        },
      },
    },
  },
});
writeFileSync(join(dir, "caddy.json"), JSON.stringify(config(a)));
const caddy = spawn("caddy", ["run", "--config", join(dir, "caddy.json")], { env, stdio: "ignore" });
for (
  let i = 0;
  !(await fetch(`${admin}/config/`).then(
    (r) => r.ok,
    () => false,
  ));
  i++
) {
  if (i > 100) throw new Error("caddy did not start");
  await sleep(100);
}

let ok = 0;
const errors = {};
let stop = false;
const one = () =>
  new Promise((res) => {
    const q = http.get({ host: HOST, port: listen, path: "/", agent: false }, (r) => {
      r.resume();
      r.on("end", () => {
        ok++;
        res();
      });
    });
    q.on("error", (e) => {
      errors[e.code ?? e.message] = (errors[e.code ?? e.message] ?? 0) + 1;
      res();
    });
  });
const clients = Array.from({ length: CLIENTS }, async () => {
  while (!stop) await one();
});
let switches = 0;
const switcher = (async () => {
  while (!stop) {
    switches++;
    await fetch(`${admin}/id/r/handle/0/upstreams`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ dial: `${HOST}:${switches % 2 ? b : a}` }]),
    });
    await sleep(50);
  }
})();
await sleep(SECONDS * 1000);
stop = true;
await Promise.all([...clients, switcher]);
caddy.kill();
rmSync(dir, { recursive: true, force: true });
const sysctl = (() => {
  try {
    return readFileSync("/proc/sys/net/ipv4/tcp_migrate_req", "utf8").trim();
  } catch {
    return "n/a";
  }
})();
console.log(JSON.stringify({ tcp_migrate_req: sysctl, requests: ok, errors, switches }));
process.exit(0);
