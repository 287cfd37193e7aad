#!/usr/bin/env node
// Benchmark: a deploy as users see it. The same busybox app, the same pushes, side by side:
//   script    adnanh/webhook (Debian `webhook`) running `git pull && docker-compose up -d --build`,
//             the set-up deployer replaces; the app publishes its port directly
//   deployer  `deployer serve` with zeroDowntime behind a Debian nginx started here
// For a code-only change and a Dockerfile change, each measured BENCH_ZD_ROUNDS times (default 3),
// alternating the two: push-to-live (webhook sent → the new version answers at the app's public
// address) and failed requests under a steady BENCH_ZD_RPS (default 40) load through that address.
// Loopback only. Run with `npm run bench` (or `node bench/zero-downtime.mjs` after `npm run build`).

import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/deployer.js");
const ROUNDS = Math.max(1, Number(process.env.BENCH_ZD_ROUNDS ?? 3));
const RPS = Math.max(1, Number(process.env.BENCH_ZD_RPS ?? 40));
const SECRET = randomBytes(16).toString("hex");
const TOKEN = randomBytes(16).toString("hex");
const log = (m) => process.stderr.write(`[bench:zd] ${m}\n`);
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const gitEnv = { GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" };
const git = (cwd, ...args) =>
  execFileSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, ...gitEnv } }).trim();

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

function get(url, timeoutMs = 3000) {
  return new Promise((res) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (r) => {
      let body = "";
      r.on("data", (c) => (body += c));
      r.on("end", () => res({ status: r.statusCode, body: body.trim() }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => res({ status: 0, body: e.message }));
  });
}

/** A steady rate of requests, each on a new connection; any non-2xx or error counts as failed. */
function load(url) {
  let sent = 0;
  let failed = 0;
  const started = Date.now();
  const pending = new Set();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * RPS) - sent;
    for (let i = 0; i < due; i++) {
      sent++;
      const p = get(url, 10_000).then((r) => {
        if (r.status < 200 || r.status >= 300) failed++;
        pending.delete(p);
      });
      pending.add(p);
    }
  }, 5);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    return { sent, failed };
  };
}

async function waitFor(pred, timeoutMs, what) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await pred()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const dockerfile = (extra) =>
  `FROM scratch\nCOPY busybox /bin/busybox\n${extra}COPY version.txt /www/version.txt\nENTRYPOINT ["/bin/busybox"]\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "deployer-bench-zd-"));
  const cleanups = [];
  const cleanup = () => {
    for (const c of cleanups.reverse()) {
      try {
        c();
      } catch {}
    }
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    const scriptPort = await freePort();
    const nginxPort = await freePort();
    const hookPort = await freePort();
    const deployerPort = await freePort();
    const origin = join(dir, "origin.git");
    const dev = join(dir, "dev");
    git(dir, "init", "-q", "--bare", "-b", "main", origin);
    git(dir, "clone", "-q", origin, dev);
    git(dev, "checkout", "-q", "-b", "main");
    copyFileSync("/bin/busybox", join(dev, "busybox"));
    writeFileSync(join(dev, "Dockerfile"), dockerfile(""));
    writeFileSync(join(dev, "version.txt"), "v0\n");
    writeFileSync(
      join(dev, "docker-compose.script.yml"),
      `services:\n  web:\n    build: .\n    ports: ["127.0.0.1:${scriptPort}:8080"]\n`,
    );
    writeFileSync(
      join(dev, "docker-compose.prod.yml"),
      `services:\n  web:\n    build: .\n    ports: ["127.0.0.1::8080"]\n`,
    );
    git(dev, "add", "-A");
    git(dev, "commit", "-q", "-m", "v0");
    git(dev, "push", "-q", "-u", "origin", "main");
    const scriptCheckout = join(dir, "script-checkout");
    const deployerCheckout = join(dir, "deployer-checkout");
    git(dir, "clone", "-q", origin, scriptCheckout);
    git(dir, "clone", "-q", origin, deployerCheckout);

    // The script side: adnanh/webhook runs the usual deploy script.
    const deploySh = join(dir, "deploy.sh");
    writeFileSync(
      deploySh,
      `#!/bin/sh\nset -e\ncd ${scriptCheckout}\ngit pull -q\ndocker-compose -f docker-compose.script.yml -p bzdscript up -d --build >/dev/null 2>&1\n`,
    );
    execFileSync("chmod", ["+x", deploySh]);
    writeFileSync(join(dir, "hooks.json"), JSON.stringify([{ id: "deploy", "execute-command": deploySh }]));
    const hook = spawn("webhook", ["-hooks", join(dir, "hooks.json"), "-ip", "127.0.0.1", "-port", String(hookPort)], {
      stdio: "ignore",
    });
    cleanups.push(() => hook.kill());
    cleanups.push(() =>
      run(
        "docker-compose",
        ["-f", "docker-compose.script.yml", "-p", "bzdscript", "down", "--rmi", "all"],
        scriptCheckout,
      ),
    );

    // The deployer side: its own nginx, and deployer with zeroDowntime.
    const ngx = join(dir, "nginx");
    mkdirSync(join(ngx, "conf.d"), { recursive: true });
    mkdirSync(join(ngx, "logs"), { recursive: true });
    writeFileSync(
      join(ngx, "nginx.conf"),
      `pid ${ngx}/nginx.pid;\nerror_log ${ngx}/logs/error.log warn;\nworker_processes 1;\nevents { worker_connections 1024; }\nhttp { access_log off; client_body_temp_path ${ngx}/body; proxy_temp_path ${ngx}/proxy; fastcgi_temp_path ${ngx}/fcgi; uwsgi_temp_path ${ngx}/uwsgi; scgi_temp_path ${ngx}/scgi; include ${ngx}/conf.d/*.conf; }\n`,
    );
    const nginx = ["-c", join(ngx, "nginx.conf"), "-p", ngx];
    run("nginx", nginx);
    cleanups.push(() => run("nginx", [...nginx, "-s", "stop"]));
    const config = {
      server: { host: "127.0.0.1", port: deployerPort },
      dataDir: join(dir, "data"),
      logFile: join(dir, "deployer.log"),
      secret: SECRET,
      apiToken: TOKEN,
      apps: {
        bzd: {
          repo: "bench/bzd",
          path: deployerCheckout,
          branch: "main",
          project: "bzddeployer",
          healthcheck: { url: `http://127.0.0.1:${nginxPort}/version.txt`, timeout: 30 },
          zeroDowntime: {
            service: "web",
            port: 8080,
            drain: 2,
            proxy: {
              nginx: {
                confDir: join(ngx, "conf.d"),
                reload: ["nginx", ...nginx, "-s", "reload"],
                listen: `127.0.0.1:${nginxPort}`,
              },
            },
          },
        },
      },
    };
    writeFileSync(join(dir, "deployer.json"), JSON.stringify(config));
    writeFileSync(join(dir, "deployer.yml"), JSON.stringify(config)); // JSON is YAML
    const deployer = spawn(process.execPath, [CLI, "serve", "--config", join(dir, "deployer.yml")], {
      cwd: dir,
      stdio: "ignore",
      env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "" },
    });
    cleanups.push(() => deployer.kill());
    cleanups.push(() =>
      run("docker", [
        "rm",
        "-f",
        ...run("docker", ["ps", "-aq", "--filter", "label=com.docker.compose.project=bzddeployer"])
          .split(/\s+/)
          .filter(Boolean),
      ]),
    );
    await waitFor(
      async () => (await get(`http://127.0.0.1:${deployerPort}/healthz`)).status === 200,
      30_000,
      "deployer",
    );

    const api = async (path) =>
      JSON.parse(
        await new Promise((res, rej) =>
          http
            .get(`http://127.0.0.1:${deployerPort}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } }, (r) => {
              let b = "";
              r.on("data", (c) => (b += c));
              r.on("end", () => res(b));
            })
            .on("error", rej),
        ),
      );
    const sides = {
      script: {
        url: `http://127.0.0.1:${scriptPort}/version.txt`,
        trigger: () => post(`http://127.0.0.1:${hookPort}/hooks/deploy`, "{}", {}),
        idle: async () => {
          // webhook answers before its command ends: the deploy is over when the script's compose is.
          await waitFor(async () => !run("ps", ["-eo", "args"]).includes(deploySh), 120_000, "the script to finish");
        },
      },
      deployer: {
        url: `http://127.0.0.1:${nginxPort}/version.txt`,
        trigger: () => {
          const body = JSON.stringify(pushPayload(git(dev, "rev-parse", "HEAD")));
          const sig = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
          return post(`http://127.0.0.1:${deployerPort}/webhook`, body, {
            "x-github-event": "push",
            "x-github-delivery": randomBytes(8).toString("hex"),
            "x-hub-signature-256": sig,
          });
        },
        idle: async () => {
          await waitFor(
            async () => {
              const [d] = await api("/api/deployments?app=bzd&limit=1");
              return d && !["queued", "running"].includes(d.status);
            },
            120_000,
            "deployer to finish",
          );
          await sleep(2500); // the old container's drain
        },
      },
    };

    let n = 0;
    const change = async (kind) => {
      n++;
      writeFileSync(join(dev, "version.txt"), `v${n}\n`);
      if (kind === "dockerfile") writeFileSync(join(dev, "Dockerfile"), dockerfile(`LABEL round=${n}\n`));
      git(dev, "commit", "-qam", `v${n}`);
      git(dev, "push", "-q", "origin", "main");
      return `v${n}`;
    };
    // First deploy of each side, not measured.
    await change("code");
    for (const side of Object.values(sides)) {
      await side.trigger();
      await side.idle();
    }
    await waitFor(async () => (await get(sides.script.url)).body === "v1", 60_000, "script first deploy");
    await waitFor(async () => (await get(sides.deployer.url)).body === "v1", 60_000, "deployer first deploy");

    const results = { script: { code: [], dockerfile: [] }, deployer: { code: [], dockerfile: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of ["code", "dockerfile"]) {
        for (const name of ["script", "deployer"]) {
          const side = sides[name];
          const version = await change(kind);
          const stop = load(side.url);
          await sleep(500);
          const t0 = performance.now();
          await side.trigger();
          await waitFor(async () => (await get(side.url)).body === version, 120_000, `${name} to serve ${version}`);
          const live = (performance.now() - t0) / 1000;
          await side.idle();
          await sleep(500);
          const { sent, failed } = await stop();
          results[name][kind].push({ live, failed, sent });
          log(`${name} ${kind}: live in ${live.toFixed(2)} s, ${failed}/${sent} requests failed`);
        }
      }
    }
    report(results);
  } finally {
    cleanup();
  }
}

function post(url, body, headers) {
  return new Promise((res, rej) => {
    const req = http.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (r) => {
        r.resume();
        r.on("end", () => res(r.statusCode));
      },
    );
    req.on("error", rej);
    req.end(body);
  });
}

function pushPayload(after) {
  return {
    ref: "refs/heads/main",
    before: "0".repeat(40),
    after,
    repository: { name: "bzd", full_name: "bench/bzd", default_branch: "main" },
    pusher: { name: "bench" },
    head_commit: { id: after, message: "bench" },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function report(r) {
  const rows = [];
  for (const kind of ["code", "dockerfile"]) {
    const s = median(r.script[kind].map((x) => x.live));
    const d = median(r.deployer[kind].map((x) => x.live));
    const sf = r.script[kind].reduce((a, x) => a + x.failed, 0);
    const df = r.deployer[kind].reduce((a, x) => a + x.failed, 0);
    rows.push({ kind, s, d, sf, df });
  }
  const out = [
    "",
    `zero-downtime deploys: deployer (zeroDowntime, nginx) vs git pull && docker-compose up -d --build (adnanh/webhook); ${ROUNDS} round(s), ${RPS} req/s`,
    "| change | script push→live | deployer push→live | deployer / script | failed (script) | failed (deployer) |",
    "|---|---|---|---|---|---|",
    ...rows.map(
      (x) =>
        `| ${x.kind} | ${x.s.toFixed(2)} s | ${x.d.toFixed(2)} s | ${(x.d / x.s).toFixed(2)}x | ${x.sf} | ${x.df} |`,
    ),
  ];
  const code = rows[0];
  const failures = rows.reduce((a, x) => a + x.df, 0);
  out.push(
    "",
    `target: 0 failed requests with deployer: ${failures === 0 ? "met" : `NOT met (${failures})`}`,
    `target: code push→live at most 1/3 of the script's: ${code.d <= code.s / 3 ? "met" : "NOT met"} (${(code.d / code.s).toFixed(2)}x)`,
  );
  console.log(out.join("\n"));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
