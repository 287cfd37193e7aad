#!/usr/bin/env node
// Issue 9's targets, each measured as a ratio within one run (the machine is shared, so absolute
// figures are noisy): deployer beside adnanh/webhook and a bare node:http server that only checks
// the HMAC (the Node limit). Prints every ratio and whether its target is met; exits 0 either way
// unless a correctness check fails. Run with `npm run bench` (after `npm run build`).
//
// Phases:
//   1. start-up: spawn to the first /healthz 200 (deployer, empty database), spawn to first answer (webhook)
//   2. idle RSS (1 s after start, and after BENCH_SETTLE s without a request); baselines for the scale check (one app, empty history): intake p99 and
//      GET /api/deployments?limit=50 p99 (one app, all apps) at a fixed rate
//   3. throughput, wrk -t2 -c16 (new X-GitHub-Delivery per request), in one run:
//      bare node:http HMAC, deployer ignored push, webhook, deployer accepted push (stored, then coalesced)
//   4. p99 at 500 req/s (open loop), ignored and accepted pushes
//   5. RSS after 100,000 deliveries in total, again after BENCH_SETTLE s without a request
//   6. scale: 500 apps and 1,000,000 deployments: start-up, intake p99 and list p99 against phase 2
//
// Tunables: BENCH_DURATION (s, 8), BENCH_WARMUP (s, 2, an untimed wrk run before each), BENCH_CONNECTIONS (16), BENCH_THREADS (2), BENCH_STARTS (5),
// BENCH_DELIVERIES (100000), BENCH_HISTORY (1000000), BENCH_APPS (500), BENCH_RATE (500),
// BENCH_RATE_SECONDS (4), BENCH_LIST_SECONDS (10, at 200 req/s), BENCH_SETTLE (15 s without requests before an RSS sample), BENCH_JSON=path, BENCH_KEEP=1.

import { execFile, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { memoryRegions } from "./memory-regions.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const env = (k, d) => Number(process.env[k] ?? d);
const DURATION = env("BENCH_DURATION", 8);
const WARMUP = env("BENCH_WARMUP", 2);
const CONNECTIONS = env("BENCH_CONNECTIONS", 16);
const THREADS = env("BENCH_THREADS", 2);
const STARTS = env("BENCH_STARTS", 5);
const DELIVERIES = env("BENCH_DELIVERIES", 100_000);
const HISTORY = env("BENCH_HISTORY", 1_000_000);
const APPS = env("BENCH_APPS", 500);
const RATE = env("BENCH_RATE", 500);
const RATE_SECONDS = env("BENCH_RATE_SECONDS", 4);
const SETTLE = env("BENCH_SETTLE", 15);
const LIST_SECONDS = env("BENCH_LIST_SECONDS", 10);
const HOST = "127.0.0.1";
const SECRET = `bench-${randomBytes(12).toString("hex")}`;
const TOKEN = `bench-${randomBytes(12).toString("hex")}`;
const CLI = join(ROOT, "dist/deployer.js");
const LUA = join(ROOT, "bench/post.lua");
// deployer runs with the Node flags of its #! line, as `deployer serve` and the systemd unit do.
const nodeFlags = () =>
  readFileSync(CLI, "utf8")
    .split("\n")[0]
    .replace(/^#!.*?\bnode\b/, "")
    .split(/\s+/)
    .filter(Boolean);
const log = (m) => process.stderr.write(`[targets] ${m}\n`);

const sign = (body) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const median = (xs) => pct(xs, 50);
/** CPU time a process has used (all its threads, user and system), in µs. */
const cpuUs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1e6) / 100; // USER_HZ is 100 on Linux
};
const rssMb = (pid) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;

function freePort() {
  return new Promise((res) => {
    const s = net.createServer().listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function get(url, headers = {}) {
  return new Promise((res, rej) => {
    const req = http.get(url, { headers, agent: false, timeout: 1000 }, (r) => {
      r.resume();
      r.on("end", () => res(r.statusCode));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
  });
}

class Server {
  constructor(name, cmd, args, cwd, readyUrl) {
    Object.assign(this, { name, cmd, args, cwd, readyUrl });
  }
  async start() {
    const t0 = performance.now();
    this.child = spawn(this.cmd, this.args, { cwd: this.cwd, stdio: ["ignore", "ignore", "pipe"] });
    this.err = "";
    this.child.stderr.on("data", (c) => {
      this.err = (this.err + c).slice(-2000);
    });
    this.exited = new Promise((r) => this.child.once("exit", r));
    while (performance.now() - t0 < 30_000 && this.child.exitCode === null) {
      const status = await get(this.readyUrl).catch(() => 0);
      if (status === 200 || (status && this.name !== "deployer")) return performance.now() - t0;
      await sleep(2);
    }
    throw new Error(`${this.name} did not start: ${this.err}`);
  }
  async stop() {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    if (!(await Promise.race([this.exited.then(() => true), sleep(8000)]))) this.child.kill("SIGKILL");
    await this.exited;
  }
  get pid() {
    return this.child.pid;
  }
}

/** `deployer serve` with the config `file` in `dir`, ready when its /healthz answers 200. */
const deployerServer = (dir, file, port) =>
  new Server(
    "deployer",
    process.execPath,
    [...nodeFlags(), CLI, "--config", join(dir, file), "serve"],
    dir,
    `http://${HOST}:${port}/healthz`,
  );

function wrk(url, bodyFile, signature, prefix, duration = DURATION) {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${duration}s`, "--timeout", "5s", "-s", LUA, url];
  return new Promise((res, rej) => {
    execFile("wrk", [...args, "--", bodyFile, signature, prefix], (err, out) => {
      if (err) return rej(err);
      const r = JSON.parse(
        out
          .split("\n")
          .find((l) => l.startsWith("BENCH_JSON "))
          .slice(11),
      );
      r.rps = r.requests / (r.duration_us / 1e6);
      r.failed = Object.values(r.errors).reduce((a, b) => a + b, 0);
      res(r);
    });
  });
}

/** Open-loop load: `rate` requests a second for `seconds`, whatever the answers; latencies in ms. */
async function paced(makeRequest, rate, seconds) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const lat = [];
  let failed = 0;
  const t0 = performance.now();
  const total = Math.round(rate * seconds);
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inflight.push(
      new Promise((res) => {
        // Latency from the moment the request was due: queueing in the client counts too.
        const req = http.request({ ...makeRequest(i), agent }, (r) => {
          r.resume();
          r.on("end", () => {
            if (r.statusCode >= 300) failed++;
            lat.push(performance.now() - due);
            res();
          });
        });
        req.on("error", () => {
          failed++;
          res();
        });
        req.end(makeRequest.body);
      }),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  return { p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, failed };
}

/** Closed loop with `concurrency` requests in flight until `count` are answered (for the 100,000). */
async function flood(makeRequest, count, concurrency = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await new Promise((res) => {
        const req = http.request({ ...makeRequest(i), agent }, (r) => {
          r.resume();
          r.on("end", () => {
            if (r.statusCode >= 300) failed++;
            res();
          });
        });
        req.on("error", () => {
          failed++;
          res();
        });
        req.end(makeRequest.body);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  return failed;
}

const bareServer = `
const http = require("node:http"); const { createHmac, timingSafeEqual } = require("node:crypto");
const secret = process.argv[2];
http.createServer((req, res) => {
  const chunks = []; req.on("data", (c) => chunks.push(c)); req.on("end", () => {
    const body = Buffer.concat(chunks);
    const want = Buffer.from("sha256=" + createHmac("sha256", secret).update(body).digest("hex"));
    const got = Buffer.from(String(req.headers["x-hub-signature-256"] ?? ""));
    const ok = got.length === want.length && timingSafeEqual(got, want);
    res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }); res.end(ok ? '{"ok":true}' : '{"error":"signature"}');
  });
}).listen(Number(process.argv[3]), "127.0.0.1");
`;

function deployerConfig(dir, port, apps, branch, file = "deployer.yml") {
  const lines = [
    `server: { host: ${HOST}, port: ${port} }`,
    "dataDir: ./data",
    "logFile: ./deployer.log",
    `secret: ${SECRET}`,
    `apiToken: ${TOKEN}`,
    "apps:",
    // Approval keeps accepted pushes stored (waiting, coalesced) without running a deploy.
    `  site: { repo: Codertocat/Hello-World, path: ./site, project: site, branch: ${branch}, approve: true }`,
  ];
  for (let i = 1; i < apps; i++) {
    // Never deployed here: a directory with a .git entry is all the config check needs.
    mkdirSync(join(dir, "apps", `app${i}`, ".git"), { recursive: true });
    lines.push(`  app${i}: { repo: bench-org/app${i}, path: ./apps/app${i}, project: app${i}, branch: main }`);
  }
  writeFileSync(join(dir, file), `${lines.join("\n")}\n`);
}

/** 1,000,000 finished deployments spread over the apps, written straight into deployer's schema. */
function fillHistory(dbFile, apps, rows) {
  const Database = require("better-sqlite3");
  const db = new Database(dbFile);
  const names = ["site", ...Array.from({ length: apps - 1 }, (_, i) => `app${i + 1}`)];
  const ins = db.prepare(
    `INSERT INTO deployments (id, app, status, trigger, actor, sha, ref, branch, created_at, started_at, finished_at)
     VALUES (?, ?, ?, 'push', 'bench', ?, 'refs/heads/main', 'main', ?, ?, ?)`,
  );
  const t0 = Date.parse("2020-01-01T00:00:00Z");
  db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const at = new Date(t0 + i * 60_000).toISOString();
      const sha = (i.toString(16) + "0".repeat(40)).slice(0, 40);
      ins.run(`h${i}`, names[i % names.length], i % 7 ? "succeeded" : "failed", sha, at, at, at);
    }
  })();
  db.close();
}

const row = (metric, value, target, met) => ({ metric, value, target, met });

async function main() {
  const started = performance.now();
  const examples = require("@octokit/webhooks-examples");
  const push = examples
    .find((e) => e.name === "push")
    .examples.find((p) => p.ref?.startsWith("refs/heads/") && !p.deleted && p.repository?.full_name);
  const branch = push.ref.slice("refs/heads/".length);
  const accepted = Buffer.from(JSON.stringify(push));
  const ignored = Buffer.from(JSON.stringify({ ...push, ref: "refs/heads/not-deployed" }));
  const dir = mkdtempSync(join(tmpdir(), "deployer-targets-"));
  const servers = [];
  const out = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version }, load: [] };
  out.load.push(loadavg()[0]);
  try {
    const files = { ignored: join(dir, "ignored.json"), accepted: join(dir, "accepted.json") };
    writeFileSync(files.ignored, ignored);
    writeFileSync(files.accepted, accepted);
    const sig = { ignored: sign(ignored), accepted: sign(accepted) };
    writeFileSync(join(dir, "bare.cjs"), bareServer);
    spawnSync("git", ["init", "-q", join(dir, "site")]);
    writeFileSync(
      join(dir, "hooks.json"),
      JSON.stringify([
        {
          id: "deploy",
          "execute-command": "/bin/true",
          "command-working-directory": dir,
          "trigger-rule": {
            match: {
              type: "payload-hmac-sha256",
              secret: SECRET,
              parameter: { source: "header", name: "X-Hub-Signature-256" },
            },
          },
        },
      ]),
    );
    const [dPort, wPort, bPort] = [await freePort(), await freePort(), await freePort()];
    const one = join(dir, "one");
    mkdirSync(one);
    spawnSync("git", ["init", "-q", join(one, "site")]);
    deployerConfig(one, dPort, 1, branch);
    const deployer = deployerServer(one, "deployer.yml", dPort);
    const webhook = new Server(
      "webhook",
      "webhook",
      ["-hooks", join(dir, "hooks.json"), "-ip", HOST, "-port", String(wPort)],
      dir,
      `http://${HOST}:${wPort}/hooks/deploy`,
    );
    const bare = new Server(
      "bare",
      process.execPath,
      [join(dir, "bare.cjs"), SECRET, String(bPort)],
      dir,
      `http://${HOST}:${bPort}/`,
    );
    servers.push(deployer, webhook, bare);
    const hook = { deployer: `http://${HOST}:${dPort}/webhook`, webhook: `http://${HOST}:${wPort}/hooks/deploy` };

    // 1. Start-up.
    log(`start-up: ${STARTS} cold starts each`);
    const starts = { deployer: [], webhook: [] };
    // One start of each first, not counted: it warms this process (the poller) and the page cache,
    // which otherwise made the first phase's starts 50 ms slower than the same start later in the run.
    for (const s of [deployer, webhook]) {
      await s.start();
      await s.stop();
    }
    for (let i = 0; i < STARTS; i++) {
      for (const s of [deployer, webhook]) {
        starts[s.name].push(await s.start());
        await s.stop();
      }
    }
    for (const s of servers) await s.start();
    await sleep(1000);
    const rssAll = () => ({ deployer: rssMb(deployer.pid), webhook: rssMb(webhook.pid), bare: rssMb(bare.pid) });
    // RSS 1 s after start, and "idle": after SETTLE s without a request (the targets use the latter,
    // for idle and after the deliveries alike).
    const rss1s = rssAll();
    await sleep(SETTLE * 1000 - 1000);
    const idleRss = rssAll();
    const idleRegions = memoryRegions(deployer.pid);

    // Requests for the paced and flood clients.
    const webhookReq = (kind, port) => {
      const make = (i) => ({
        host: HOST,
        port,
        method: "POST",
        path: "/webhook",
        headers: {
          "Content-Type": "application/json",
          "X-GitHub-Event": "push",
          "X-GitHub-Delivery": `${kind}-${make.tag}-${i}`,
          "X-Hub-Signature-256": sig[kind],
        },
      });
      make.body = kind === "ignored" ? ignored : accepted;
      make.tag = randomBytes(4).toString("hex");
      return make;
    };
    const listReq = (port, app) => () => ({
      host: HOST,
      port,
      path: `/api/deployments?limit=50${app ? `&app=${app}` : ""}`,
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    const scaleProbe = async (port) => {
      // JIT warm-up on ignored pushes, which leave no history behind.
      await flood(webhookReq("ignored", port), 3000, 8);
      // Intake first: on the empty database it leaves a first page of history, so the list queries
      // of the baseline return 50 rows like those of the scale check.
      const intake = await paced(webhookReq("accepted", port), RATE, RATE_SECONDS);
      // The list routes warm up too (route, query plan, serializer), and each probe is long enough
      // (2,000 requests) that its p99 is not a handful of answers.
      await flood(listReq(port, "site"), 300, 4);
      await flood(listReq(port), 300, 4);
      const listOne = await paced(listReq(port, "site"), 200, LIST_SECONDS);
      const listAll = await paced(listReq(port), 200, LIST_SECONDS);
      return { listOne, listAll, intake };
    };

    // 2. Baselines: one app, empty history.
    log("baseline: one app, empty history");
    const base = await scaleProbe(dPort);
    let sent = 3000 + RATE * RATE_SECONDS;

    // 3. Throughput in one run.
    const tput = {};
    const pids = {
      bare: bare.pid,
      "deployer-ignored": deployer.pid,
      webhook: webhook.pid,
      "deployer-accepted": deployer.pid,
    };
    const runs = [
      ["bare", `http://${HOST}:${bPort}/`, "ignored"],
      ["deployer-ignored", hook.deployer, "ignored"],
      ["webhook", hook.webhook, "ignored"],
      ["deployer-accepted", hook.deployer, "accepted"],
    ];
    for (const [name, url, kind] of runs) {
      log(`wrk ${name}`);
      // Steady-state throughput: a short untimed run first, for every server alike. An idle deployer
      // has run its after-burst GC, which makes V8 drop the optimised code of the request path; the
      // first requests of the next burst recompile it (about 80 functions, tens of ms).
      const warm =
        WARMUP > 0
          ? await wrk(url, files[kind], sig[kind], `warm-${name}-${randomBytes(3).toString("hex")}`, WARMUP)
          : undefined;
      // webhook keeps running queued /bin/true after answering: let it finish before the timed run.
      if (name === "webhook" && warm) await sleep(Math.min(30_000, warm.requests / 2));
      const cpu0 = cpuUs(pids[name]);
      tput[name] = await wrk(url, files[kind], sig[kind], `${name}-${randomBytes(3).toString("hex")}`);
      // CPU per request: steadier than req/s on a shared machine (webhook's includes its /bin/true children only once reaped).
      tput[name].cpuUsPerReq = (cpuUs(pids[name]) - cpu0) / tput[name].requests;
      if (name.startsWith("deployer")) sent += tput[name].requests + (warm?.requests ?? 0);
      // webhook keeps running queued /bin/true after answering: let it finish before the next run.
      if (name === "webhook") await sleep(Math.min(30_000, tput.webhook.requests / 2));
    }
    out.load.push(loadavg()[0]);

    // 4. p99 at a fixed rate, idle server.
    log(`p99 at ${RATE} req/s`);
    const at500 = {
      ignored: await paced(webhookReq("ignored", dPort), RATE, RATE_SECONDS),
      accepted: await paced(webhookReq("accepted", dPort), RATE, RATE_SECONDS),
    };
    sent += 2 * RATE * RATE_SECONDS;

    // 5. RSS after 100,000 deliveries.
    const more = Math.max(0, DELIVERIES - sent);
    log(`${more} more deliveries (to ${DELIVERIES} in total)`);
    const half = Math.floor(more / 2);
    const floodFailed =
      (await flood(webhookReq("ignored", dPort), half)) + (await flood(webhookReq("accepted", dPort), more - half));
    await sleep(1000);
    const rssAfter1s = rssMb(deployer.pid);
    await sleep(SETTLE * 1000 - 1000);
    const rssAfter = rssMb(deployer.pid);
    const afterRegions = memoryRegions(deployer.pid);
    sent += more;
    const Database = require("better-sqlite3");
    for (const s of servers) await s.stop();
    const db = new Database(join(one, "data/deployer.db"), { readonly: true });
    const stored = db.prepare("SELECT count(*) AS n FROM deliveries").get().n;
    db.close();

    // 6. Scale: 500 apps, 1,000,000 deployments.
    const big = join(dir, "big");
    mkdirSync(big);
    spawnSync("git", ["init", "-q", join(big, "site")]);
    const sPort = await freePort();
    deployerConfig(big, sPort, APPS, branch);
    const scaled = deployerServer(big, "deployer.yml", sPort);
    servers.push(scaled);
    await scaled.start();
    await scaled.stop();
    log(`writing ${HISTORY} deployments over ${APPS} apps`);
    const tFill = performance.now();
    fillHistory(join(big, "data/deployer.db"), APPS, HISTORY);
    const fillSeconds = (performance.now() - tFill) / 1000;
    // The kernel writing back the 300 MB just written is not deployer's cost: let it finish first.
    spawnSync("sync");
    const bigStarts = [];
    for (let i = 0; i < Math.max(3, Math.ceil(STARTS / 2)); i++) {
      bigStarts.push(await scaled.start());
      if (i < 2) await scaled.stop();
    }
    log("scale probe");
    const scale = await scaleProbe(sPort);
    await scaled.stop();
    // The start-up target is about the history: the same database under a one-app config (500 apps'
    // config parsing is a cost of its own, reported beside it).
    deployerConfig(big, sPort, 1, branch, "one-app.yml");
    const historyOnly = deployerServer(big, "one-app.yml", sPort);
    servers.push(historyOnly);
    const historyStarts = [];
    for (let i = 0; i < Math.max(3, Math.ceil(STARTS / 2)); i++) {
      historyStarts.push(await historyOnly.start());
      await historyOnly.stop();
    }
    out.load.push(loadavg()[0]);

    const d = tput["deployer-ignored"].rps;
    const a = tput["deployer-accepted"].rps;
    const w = tput.webhook.rps;
    const b = tput.bare.rps;
    const sd = median(starts.deployer);
    const sb = median(bigStarts);
    const sh = median(historyStarts);
    const worst500 = Math.max(at500.ignored.p99, at500.accepted.p99);
    const results = [
      row("ignored push vs webhook (req/s ratio)", d / w, ">= 1.00", d / w >= 1),
      row("ignored push vs bare node:http HMAC (ratio)", d / b, ">= 0.85", d / b >= 0.85),
      row("accepted push vs webhook (req/s ratio)", a / w, ">= 1.00", a / w >= 1),
      row(`p99 at ${RATE} req/s idle, ms (ignored / accepted)`, worst500, "< 10", worst500 < 10),
      row("idle RSS, MB", idleRss.deployer, "<= 70", idleRss.deployer <= 70),
      row(
        `RSS after ${sent} deliveries / idle`,
        rssAfter / idleRss.deployer,
        "<= 1.20",
        rssAfter <= 1.2 * idleRss.deployer,
      ),
      row("start to first /healthz 200, empty DB, ms (median)", sd, "<= 400", sd <= 400),
      row(`start to first /healthz 200, ${HISTORY} deployments, ms (median)`, sh, "<= 400", sh <= 400),
      row(`same, and ${APPS} apps in the config, ms (median)`, sb, "<= 400", sb <= 400),
      row(
        `intake p99, ${APPS} apps + ${HISTORY} deployments / baseline`,
        scale.intake.p99 / base.intake.p99,
        "<= 1.5",
        scale.intake.p99 <= 1.5 * base.intake.p99,
      ),
      row(
        "GET /api/deployments?limit=50&app= p99 / baseline",
        scale.listOne.p99 / base.listOne.p99,
        "<= 1.5",
        scale.listOne.p99 <= 1.5 * base.listOne.p99,
      ),
      row(
        "GET /api/deployments?limit=50 p99 / baseline",
        scale.listAll.p99 / base.listAll.p99,
        "<= 1.5",
        scale.listAll.p99 <= 1.5 * base.listAll.p99,
      ),
    ];
    Object.assign(out, {
      starts,
      bigStarts,
      historyStarts,
      idleRss,
      rss1s,
      rssAfter,
      rssAfter1s,
      idleRegions,
      afterRegions,
      sent,
      stored,
      floodFailed,
      tput,
      at500,
      base,
      scale,
      fillSeconds,
      results,
    });
    out.totalSeconds = (performance.now() - started) / 1000;
    report(out);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(out, null, 2)}\n`);
  } finally {
    for (const s of servers) await s.stop().catch(() => {});
    if (process.env.BENCH_KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function report(r) {
  const f = (v, dp = 2) =>
    Number.isFinite(v) ? v.toLocaleString("en-US", { maximumFractionDigits: dp, minimumFractionDigits: dp }) : "n/a";
  const lines = [""];
  lines.push(
    `issue 9 targets: ${r.machine.cpus} CPUs (${r.machine.model}), node ${r.machine.node}, load average ${r.load.map((x) => f(x, 1)).join(" -> ")}`,
  );
  lines.push(
    `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s, new X-GitHub-Delivery per request; ${RATE} req/s paced for ${RATE_SECONDS} s`,
  );
  lines.push("");
  lines.push(
    "throughput (req/s): " +
      Object.entries(r.tput)
        .map(
          ([k, v]) =>
            `${k} ${f(v.rps, 0)} (p99 ${f(v.latency_us.p99 / 1000)} ms, ${f(v.cpuUsPerReq, 1)} µs CPU/req, ${v.failed} failed)`,
        )
        .join(", "),
  );
  lines.push(`p99 at ${RATE} req/s: ignored ${f(r.at500.ignored.p99)} ms, accepted ${f(r.at500.accepted.p99)} ms`);
  lines.push(
    `RSS MB after ${SETTLE} s idle: deployer ${f(r.idleRss.deployer, 1)}, webhook ${f(r.idleRss.webhook, 1)}, bare node ${f(r.idleRss.bare, 1)}; deployer after ${r.sent} deliveries ${f(r.rssAfter, 1)} (1 s after start ${f(r.rss1s.deployer, 1)}, 1 s after the deliveries ${f(r.rssAfter1s, 1)})`,
    `deployer's RSS by region, MB: idle ${r.idleRegions}; after the deliveries ${r.afterRegions}`,
  );
  lines.push(
    `start-up ms: deployer [${r.starts.deployer.map((x) => f(x, 0)).join(", ")}], webhook [${r.starts.webhook.map((x) => f(x, 0)).join(", ")}], deployer with history [${r.historyStarts.map((x) => f(x, 0)).join(", ")}], with history and ${APPS} apps [${r.bigStarts.map((x) => f(x, 0)).join(", ")}]`,
  );
  for (const [k, v] of [
    ["baseline (1 app, empty)", r.base],
    ["scale (500 apps, history)", r.scale],
  ])
    lines.push(
      `${k}: intake p99 ${f(v.intake.p99)} ms, list one app p99 ${f(v.listOne.p99)} ms, list all p99 ${f(v.listAll.p99)} ms (failed: ${v.intake.failed + v.listOne.failed + v.listAll.failed})`,
    );
  const r50 = (k) => f(r.scale[k].p50 / r.base[k].p50);
  lines.push(
    `scale/baseline p50 ratios (steadier than p99 on a loaded machine): intake ${r50("intake")}, list one app ${r50("listOne")}, list all ${r50("listAll")}`,
  );
  lines.push(`durable delivery rows (accepted pushes only): ${r.stored}; history written in ${f(r.fillSeconds, 1)} s`);
  lines.push("");
  const w = Math.max(...r.results.map((x) => x.metric.length));
  lines.push(`| ${"target".padEnd(w)} | measured | wanted  | met |`);
  lines.push(`|${"-".repeat(w + 2)}|---------:|---------|-----|`);
  for (const x of r.results)
    lines.push(
      `| ${x.metric.padEnd(w)} | ${f(x.value).padStart(8)} | ${x.target.padEnd(7)} | ${x.met ? "yes" : "NO "} |`,
    );
  lines.push(
    `\n${r.results.filter((x) => x.met).length}/${r.results.length} targets met; total ${f(r.totalSeconds, 0)} s`,
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().catch((err) => {
  log(err.stack ?? String(err));
  process.exit(1);
});
