#!/usr/bin/env node
// Benchmark: deployer's POST /webhook against adnanh/webhook (Debian `webhook`) on the same machine,
// same signed GitHub push payload, loopback only. Run with `npm run bench` after `npm run build`.
//
// Three targets, each its own process:
//   deployer       push for an unconfigured repository: verify, parse, remember the delivery id in memory
//                  (no durable write: it deploys nothing), 200 {"ignored"}
//   webhook        the usual hooks.json: payload-hmac-sha256 trigger rule, runs /bin/true; answers
//                  before the command runs (its default), so commands can pile up behind the answers
//   webhook-sync   same hook with "include-command-output-in-response": answers after /bin/true exits
// Per target: throughput and latency under wrk, CPU per request (until the server is idle again,
// including /bin/true children), RSS idle and after load, spawn-to-first-answer time, and how it
// answers a wrong or missing signature. The headline numbers are the ratios from the same run; the
// machine is shared, so absolute figures are noisy. See docs/benchmarks.md.
//
// Tunables (environment): BENCH_DURATION (s, default 10), BENCH_THREADS (2), BENCH_CONNECTIONS (16),
// BENCH_ROUNDS (1), BENCH_WARMUP (s, 2), BENCH_STARTS (5), BENCH_DRAIN_MAX (s, 35: longest wait for
// webhook's queued commands), BENCH_JSON=path writes the raw results, BENCH_KEEP=1 keeps the temp dir.

import { execFile, spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import net from "node:net";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

const num = (name, dflt) => {
  const v = Number(process.env[name] ?? dflt);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
};
const DURATION = num("BENCH_DURATION", 10);
const THREADS = num("BENCH_THREADS", 2);
const CONNECTIONS = num("BENCH_CONNECTIONS", 16);
const ROUNDS = Math.max(1, num("BENCH_ROUNDS", 1));
const WARMUP = num("BENCH_WARMUP", 2);
const STARTS = Math.max(1, num("BENCH_STARTS", 5));
const DRAIN_MAX = num("BENCH_DRAIN_MAX", 35);
// The whole run aborts past this, whatever happens (116 s with the defaults; a normal run takes ~70 s).
const HARD_LIMIT_MS = (25 + ROUNDS * (3 * DURATION + DRAIN_MAX) + 3 * WARMUP + 4 * STARTS) * 1000;

const HOST = "127.0.0.1";
const SECRET = `bench-${randomBytes(12).toString("hex")}`;
const HOOK_ID = "deploy";
const CLI = join(ROOT, "dist/deployer.js");
const LUA = join(ROOT, "bench/post.lua");
const CLK_TCK = 100; // Linux USER_HZ for /proc/<pid>/stat

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---------- small helpers ----------

function need(cmd, args, hint) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.error || (r.status !== 0 && r.status !== 1)) throw new Error(`${cmd} is required: ${hint}`);
  return `${r.stdout}${r.stderr}`.trim().split("\n")[0];
}

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.unref();
    s.on("error", rej);
    s.listen(0, HOST, () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** One HTTP request on a fresh connection; resolves {status, body} or rejects on a network error. */
function request(url, { method = "GET", headers = {}, body, timeoutMs = 2000 } = {}) {
  return new Promise((res, rej) => {
    const req = http.request(url, { method, headers, agent: false, timeout: timeoutMs }, (resp) => {
      const chunks = [];
      resp.on("data", (c) => chunks.push(c));
      resp.on("end", () => res({ status: resp.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    if (body) req.write(body);
    req.end();
  });
}

function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? Number.NaN);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** CPU seconds used by the process and its reaped children (webhook forks one per hook run). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state); utime=14, stime=15, cutime=16, cstime=17
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return { self: (utime + stime) / CLK_TCK, children: (cutime + cstime) / CLK_TCK };
}

/** Waits until the process has used no CPU for 3 polls (0.6 s); returns ms spent waiting. */
async function waitIdle(pid, maxMs) {
  const t0 = performance.now();
  const total = () => {
    const c = cpuSeconds(pid);
    return c.self + c.children;
  };
  let last = total();
  let still = 0;
  while (still < 3 && performance.now() - t0 < maxMs) {
    await sleep(200);
    const now = total();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  const waited = performance.now() - t0;
  return { ms: Math.max(0, waited - 600), timedOut: still < 3 };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// ---------- servers ----------

class Server {
  constructor(name, { cmd, args, cwd, readyUrl, hookUrl }) {
    Object.assign(this, { name, cmd, args, cwd, readyUrl, hookUrl });
    this.child = undefined;
    this.stderr = "";
  }

  get pid() {
    return this.child?.pid;
  }

  /** Spawns and polls readyUrl until any HTTP answer; returns ms from spawn to that answer. */
  async start(timeoutMs = 20_000) {
    const t0 = performance.now();
    this.stderr = "";
    this.child = spawn(this.cmd, this.args, { cwd: this.cwd, stdio: ["ignore", "ignore", "pipe"] });
    this.child.stderr.on("data", (c) => {
      this.stderr = (this.stderr + c).slice(-4000);
    });
    this.exited = new Promise((res) => this.child.once("exit", (code, sig) => res({ code, sig })));
    let done = false;
    this.exited.then(() => {
      done = true;
    });
    while (!done) {
      try {
        await request(this.readyUrl, { timeoutMs: 500 });
        return performance.now() - t0;
      } catch {
        if (performance.now() - t0 > timeoutMs) break;
        await sleep(5);
      }
    }
    await this.stop();
    throw new Error(`${this.name} did not answer ${this.readyUrl}: ${this.stderr.trim() || "(no stderr)"}`);
  }

  async stop() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const r = await Promise.race([this.exited, sleep(5000).then(() => undefined)]);
    if (!r) {
      child.kill("SIGKILL");
      await this.exited;
    }
  }
}

// ---------- wrk ----------

const running = { wrk: undefined };

function runWrk(url, { duration, threads, connections, bodyFile, signature, prefix }) {
  const args = [
    `-t${threads}`,
    `-c${connections}`,
    `-d${duration}s`,
    "--timeout",
    "5s",
    "-s",
    LUA,
    url,
    "--",
    bodyFile,
    signature,
    prefix,
  ];
  return new Promise((res, rej) => {
    running.wrk = execFile("wrk", args, { timeout: (duration + 20) * 1000 }, (err, stdout, stderr) => {
      if (err) return rej(new Error(`wrk failed: ${err.message}\n${stderr}`));
      const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
      if (!line) return rej(new Error(`wrk printed no BENCH_JSON line:\n${stdout}\n${stderr}`));
      const r = JSON.parse(line.slice("BENCH_JSON ".length));
      r.rps = r.requests / (r.duration_us / 1e6);
      res(r);
    });
  });
}

// ---------- main ----------

async function main() {
  const started = performance.now();
  const wrkVersion = need("wrk", ["-v"], "apt-get install -y wrk");
  const webhookVersion = need("webhook", ["-version"], "apt-get install -y webhook");
  if (!existsSync(CLI)) {
    log("dist/ missing: building with tsc -p tsconfig.build.json");
    const b = spawnSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
    if (b.status !== 0) throw new Error("build failed");
  }

  // The push payload: GitHub's own example (refs/heads/master of Codertocat/Hello-World, ~7.6 KB).
  const examples = require("@octokit/webhooks-examples");
  const push = examples
    .find((e) => e.name === "push")
    .examples.find((p) => p.ref?.startsWith("refs/heads/") && !p.deleted && p.repository?.full_name);
  const body = Buffer.from(JSON.stringify(push));
  const signature = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
  const wrongSignature = `sha256=${createHmac("sha256", `${SECRET}-wrong`).update(body).digest("hex")}`;

  const dir = mkdtempSync(join(tmpdir(), "deployer-bench-"));
  const servers = [];
  try {
    const bodyFile = join(dir, "push.json");
    writeFileSync(bodyFile, body);

    // deployer: one app for a different repository, so every push is answered 200 {"ignored": ...}
    // after signature check, JSON parse, normalisation and the SQLite delivery record. No Docker.
    const site = join(dir, "site");
    mkdirSync(site);
    spawnSync("git", ["init", "-q", site]);
    const [dPort, wPort, sPort] = [await freePort(), await freePort(), await freePort()];
    writeFileSync(
      join(dir, "deployer.yml"),
      [
        `server: { host: ${HOST}, port: ${dPort} }`,
        "dataDir: ./data",
        "logFile: ./deployer.log",
        `secret: ${SECRET}`,
        `apiToken: bench-${randomBytes(8).toString("hex")}`,
        "apps:",
        "  site:",
        "    repo: bench-org/not-the-pushed-repo",
        "    path: ./site",
        "    branch: main",
        "",
      ].join("\n"),
    );
    // adnanh/webhook: the usual GitHub recipe, HMAC-SHA256 of the body against X-Hub-Signature-256.
    const hook = (extra) => [
      {
        id: HOOK_ID,
        "execute-command": "/bin/true",
        "command-working-directory": dir,
        ...extra,
        "trigger-rule": {
          match: {
            type: "payload-hmac-sha256",
            secret: SECRET,
            parameter: { source: "header", name: "X-Hub-Signature-256" },
          },
        },
      },
    ];
    writeFileSync(join(dir, "hooks.json"), `${JSON.stringify(hook({}), null, 2)}\n`);
    writeFileSync(
      join(dir, "hooks-sync.json"),
      `${JSON.stringify(hook({ "include-command-output-in-response": true }), null, 2)}\n`,
    );

    const deployer = new Server("deployer", {
      cmd: process.execPath,
      // The Node flags of the CLI's #! line, as `deployer serve` and the systemd unit run it.
      args: [
        ...readFileSync(CLI, "utf8")
          .split("\n")[0]
          .replace(/^#!.*?\bnode\b/, "")
          .split(/\s+/)
          .filter(Boolean),
        CLI,
        "--config",
        join(dir, "deployer.yml"),
        "serve",
      ],
      cwd: dir,
      readyUrl: `http://${HOST}:${dPort}/healthz`,
      hookUrl: `http://${HOST}:${dPort}/webhook`,
    });
    const webhookServer = (name, file, port) =>
      new Server(name, {
        cmd: "webhook",
        args: ["-hooks", join(dir, file), "-ip", HOST, "-port", String(port)],
        cwd: dir,
        // Any answer from the hook URL means the hooks are loaded and the listener is up.
        readyUrl: `http://${HOST}:${port}/hooks/${HOOK_ID}`,
        hookUrl: `http://${HOST}:${port}/hooks/${HOOK_ID}`,
      });
    const webhook = webhookServer("webhook", "hooks.json", wPort);
    const webhookSync = webhookServer("webhook-sync", "hooks-sync.json", sPort);
    // Load order: webhook last, because its queued commands may outlast the wait below.
    servers.push(deployer, webhookSync, webhook);

    let aborting = false;
    const abort = async (why) => {
      if (aborting) return;
      aborting = true;
      log(`aborting: ${why}`);
      running.wrk?.kill("SIGTERM");
      await Promise.all(servers.map((s) => s.stop().catch(() => {})));
      if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
      process.exit(1);
    };
    const guard = setTimeout(() => void abort(`exceeded ${HARD_LIMIT_MS / 1000} s`), HARD_LIMIT_MS);
    guard.unref();
    process.once("SIGINT", () => void abort("SIGINT"));
    process.once("SIGTERM", () => void abort("SIGTERM"));

    const names = servers.map((s) => s.name);
    const perServer = (f) => Object.fromEntries(names.map((n) => [n, f(n)]));
    const results = {
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version, wrk: wrkVersion },
      webhookVersion,
      settings: { DURATION, THREADS, CONNECTIONS, ROUNDS, WARMUP, STARTS, payloadBytes: body.length },
      startupMs: { deployer: [], webhook: [] },
      checks: {},
      load: perServer(() => []),
      afterLoad: {},
      warmupRequests: perServer(() => 0),
    };

    // 1. Startup: spawn to first answered request, N times each, alternating.
    log(`startup: ${STARTS} cold starts of deployer and webhook`);
    for (let i = 0; i < STARTS; i++) {
      for (const s of i % 2 ? [webhook, deployer] : [deployer, webhook]) {
        results.startupMs[s.name].push(await s.start());
        await s.stop();
      }
    }
    // What deployer runs before listening: Compose detection (`docker compose version`, then v1).
    const t0 = performance.now();
    const v2 = spawnSync("docker", ["compose", "version"], { stdio: "ignore" });
    if (v2.status !== 0) spawnSync("docker-compose", ["version"], { stdio: "ignore" });
    results.composeDetectMs = performance.now() - t0;

    // 2. Long-running instances.
    for (const s of servers) await s.start();
    await sleep(1000);
    results.idle = perServer((n) => procStatus(servers.find((s) => s.name === n).pid));

    // 3. Correctness: good, wrong and missing signatures; a repeated delivery id.
    const headers = (sig, delivery) => ({
      "Content-Type": "application/json",
      "X-GitHub-Event": "push",
      "X-GitHub-Delivery": delivery,
      ...(sig ? { "X-Hub-Signature-256": sig } : {}),
    });
    for (const s of [deployer, webhook]) {
      const send = (sig, delivery) => request(s.hookUrl, { method: "POST", headers: headers(sig, delivery), body });
      const dup = `check-dup-${s.name}`;
      const c = {
        valid: await send(signature, `check-valid-${s.name}`),
        wrongSignature: await send(wrongSignature, `check-wrong-${s.name}`),
        missingSignature: await send(undefined, `check-missing-${s.name}`),
        duplicateFirst: await send(signature, dup),
        duplicateSecond: await send(signature, dup),
      };
      for (const v of Object.values(c)) v.body = v.body.slice(0, 160);
      results.checks[s.name] = c;
    }
    const dc = results.checks.deployer;
    const failures = [];
    const json = (t) => {
      try {
        return JSON.parse(t);
      } catch {
        return {};
      }
    };
    if (dc.valid.status !== 200 || !json(dc.valid.body).ignored) failures.push("deployer: valid push not 200 ignored");
    if (dc.wrongSignature.status !== 401) failures.push(`deployer: wrong signature -> ${dc.wrongSignature.status}`);
    if (dc.missingSignature.status !== 401)
      failures.push(`deployer: missing signature -> ${dc.missingSignature.status}`);
    if (!json(dc.duplicateSecond.body).duplicate) failures.push("deployer: repeated delivery not flagged duplicate");
    if (results.checks.webhook.valid.status !== 200) failures.push("webhook: valid push not 200");
    results.checkFailures = failures;
    await waitIdle(webhook.pid, 5000);

    // 4. Load. Warm-up (V8 JIT; the Go server through its sync hook, which leaves no queue behind),
    // then each target in turn; after each run wait until the server is idle again, so queued
    // /bin/true runs neither steal CPU from the next target nor escape the CPU count.
    const opts = { threads: THREADS, connections: CONNECTIONS, bodyFile, signature };
    if (WARMUP > 0) {
      for (const s of [deployer, webhookSync]) {
        log(`warm-up ${s.name} ${WARMUP}s`);
        const c = Math.min(4, CONNECTIONS);
        const w = await runWrk(s.hookUrl, { ...opts, duration: WARMUP, connections: c, prefix: "warm" });
        results.warmupRequests[s.name] = w.requests;
        await waitIdle(s.pid, 5000);
      }
    }
    results.cpu = perServer(() => ({ serverSeconds: 0, childSeconds: 0, requests: 0 }));
    results.drain = perServer(() => []);
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of servers) {
        log(`round ${r + 1}/${ROUNDS} ${s.name}: wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION}s`);
        const before = cpuSeconds(s.pid);
        const w = await runWrk(s.hookUrl, { ...opts, duration: DURATION, prefix: `r${r}` });
        if (r === 0) results.afterLoad[s.name] = procStatus(s.pid);
        const drain = await waitIdle(s.pid, DRAIN_MAX * 1000);
        if (drain.ms > 300) log(`${s.name}: busy ${(drain.ms / 1000).toFixed(1)} s after the load ended`);
        const after = cpuSeconds(s.pid);
        const cpu = results.cpu[s.name];
        cpu.serverSeconds += after.self - before.self;
        cpu.childSeconds += after.children - before.children;
        cpu.requests += w.requests;
        results.drain[s.name].push(drain);
        results.load[s.name].push(w);
      }
    }
    for (const s of servers) results.afterLoad[s.name].hwmKb = procStatus(s.pid).hwmKb;

    // 5. Stop the servers, then count what deployer stored.
    for (const s of servers) await s.stop();
    // Did every request write its own delivery row? (Unique X-GitHub-Delivery per request.)
    try {
      const Database = require("better-sqlite3");
      const db = new Database(join(dir, "data/deployer.db"), { readonly: true });
      results.deliveriesRecorded = db.prepare("SELECT count(*) AS n FROM deliveries").get().n;
      db.close();
    } catch (err) {
      results.deliveriesRecorded = `unavailable: ${err.message}`;
    }
    results.totalSeconds = (performance.now() - started) / 1000;
    report(results);
    if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, `${JSON.stringify(results, null, 2)}\n`);
    if (failures.length > 0) {
      log(`correctness checks failed: ${failures.join("; ")}`);
      process.exitCode = 1;
    }
  } finally {
    // Whatever happened above: no server left running, no temp dir left behind.
    for (const s of servers) await s.stop().catch(() => {});
    if (process.env.BENCH_KEEP) log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// ---------- report ----------

function report(r) {
  const fmt = (v, dp) =>
    Number.isFinite(v) ? v.toLocaleString("en-US", { minimumFractionDigits: dp, maximumFractionDigits: dp }) : "n/a";
  const agg = (name) => {
    const runs = r.load[name];
    const reqs = runs.reduce((n, w) => n + w.requests, 0);
    const secs = runs.reduce((n, w) => n + w.duration_us / 1e6, 0);
    const drainSecs = r.drain[name].reduce((n, d) => n + d.ms / 1000, 0);
    const cpu = r.cpu[name];
    return {
      rps: reqs / secs,
      // Hooks actually run per second: requests over load time plus the time the queue took to empty.
      donePerSec: reqs / (secs + drainSecs),
      drainSecs,
      drainTimedOut: r.drain[name].some((d) => d.timedOut),
      p50: median(runs.map((w) => w.latency_us.p50)) / 1000,
      p99: median(runs.map((w) => w.latency_us.p99)) / 1000,
      mean: runs.reduce((n, w) => n + w.latency_us.mean * w.requests, 0) / reqs / 1000,
      cpuMs: ((cpu.serverSeconds + cpu.childSeconds) * 1000) / cpu.requests,
      reqs,
      errs: runs.reduce((n, w) => n + Object.values(w.errors).reduce((a, b) => a + b, 0), 0),
      idle: r.idle[name].rssKb / 1024,
      loaded: r.afterLoad[name].rssKb / 1024,
      peak: r.afterLoad[name].hwmKb / 1024,
      startup: r.startupMs[name] ? median(r.startupMs[name]) : Number.NaN,
    };
  };
  const d = agg("deployer");
  const w = agg("webhook");
  const s = agg("webhook-sync");
  const rows = [
    ["throughput, answered (req/s)", "rps", 0],
    ["hooks completed incl. queue drain (/s)", "donePerSec", 0],
    ["busy after load ended (s)", "drainSecs", 1, false],
    ["latency p50 (ms)", "p50", 2],
    ["latency p99 (ms)", "p99", 2],
    ["latency mean (ms)", "mean", 2],
    ["CPU per request, incl. children (ms)", "cpuMs", 3],
    ["RSS idle (MB)", "idle", 1],
    ["RSS right after load (MB)", "loaded", 1],
    ["RSS peak, VmHWM (MB)", "peak", 1],
    ["startup to first answer, median (ms)", "startup", 0],
  ];
  const ratio = (a, b) => (Number.isFinite(a / b) ? `${fmt(a / b, 2)}x` : "n/a");
  const table = [["metric", "deployer", "webhook", "webhook-sync", "deployer/webhook", "deployer/webhook-sync"]];
  for (const [label, k, dp, withRatio = true] of rows) {
    const rw = withRatio ? ratio(d[k], w[k]) : "-";
    const rs = withRatio ? ratio(d[k], s[k]) : "-";
    table.push([label, fmt(d[k], dp), fmt(w[k], dp), fmt(s[k], dp), rw, rs]);
  }
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ")} |`;

  const out = [""];
  out.push(
    `deployer vs adnanh/webhook (${r.webhookVersion}); ${r.machine.cpus} CPUs (${r.machine.cpuModel}), node ${r.machine.node}`,
  );
  out.push(
    `load: ${r.machine.wrk.split(" [")[0]}, -t${r.settings.THREADS} -c${r.settings.CONNECTIONS} -d${r.settings.DURATION}s, ` +
      `${r.settings.ROUNDS} round(s) per target, ${r.settings.payloadBytes} B signed push, new X-GitHub-Delivery per request`,
  );
  out.push("webhook = default hook (answers, then runs /bin/true); webhook-sync = include-command-output-in-response");
  out.push("");
  out.push(line(table[0]));
  out.push(`|${widths.map((wd, i) => (i === 0 ? "-".repeat(wd + 2) : `${"-".repeat(wd + 1)}:`)).join("|")}|`);
  for (const row of table.slice(1)) out.push(line(row));
  out.push("");
  out.push(
    `throughput ratio ${ratio(d.rps, w.rps)} (vs webhook-sync ${ratio(d.rps, s.rps)})   ` +
      `p99 latency ratio ${ratio(d.p99, w.p99)} (${ratio(d.p99, s.p99)})   ` +
      `RSS ratio idle ${ratio(d.idle, w.idle)}, after load ${ratio(d.loaded, w.loaded)} (${ratio(d.loaded, s.loaded)})   ` +
      `startup ratio ${ratio(d.startup, w.startup)}`,
  );
  out.push("");
  out.push(
    `requests: deployer ${d.reqs} (${d.errs} errors), webhook ${w.reqs} (${w.errs}), webhook-sync ${s.reqs} (${s.errs}); ` +
      "errors = socket errors, timeouts and non-2xx",
  );
  if (w.drainTimedOut)
    out.push(
      `note: webhook still ran queued commands after ${DRAIN_MAX} s (BENCH_DRAIN_MAX): its drain, completed/s and CPU figures are bounds`,
    );
  // An ignored push is remembered in memory for duplicate detection, not written to SQLite (issue 9),
  // so no rows are expected; the repeated-delivery check above still has to say "duplicate".
  out.push(
    `deliveries written to deployer's SQLite: ${r.deliveriesRecorded} for ${d.reqs + r.warmupRequests.deployer + 2} ` +
      "ignored pushes (expected 0: deliveries that deploy nothing are kept in memory only)",
  );
  const split = (n) => {
    const c = r.cpu[n];
    return `${fmt((c.serverSeconds * 1000) / c.requests, 3)} + ${fmt((c.childSeconds * 1000) / c.requests, 3)}`;
  };
  out.push(
    `CPU ms per request, server + children: deployer ${split("deployer")}, webhook ${split("webhook")}, ` +
      `webhook-sync ${split("webhook-sync")}`,
  );
  out.push(
    `startup ms: deployer [${r.startupMs.deployer.map((x) => fmt(x, 0)).join(", ")}], ` +
      `webhook [${r.startupMs.webhook.map((x) => fmt(x, 1)).join(", ")}]; deployer's includes Compose detection, ` +
      `whose commands alone take ${fmt(r.composeDetectMs, 0)} ms here`,
  );
  out.push("");
  out.push("signature checks (status, body):");
  for (const [name, c] of Object.entries(r.checks)) {
    for (const [k, v] of Object.entries(c)) {
      out.push(`  ${name.padEnd(8)} ${k.padEnd(16)} ${v.status} ${v.body.replace(/\s+/g, " ").trim() || "(empty)"}`);
    }
  }
  out.push(
    r.checkFailures.length
      ? `CHECKS FAILED: ${r.checkFailures.join("; ")}`
      : "checks ok: deployer answers 401 to a wrong or missing signature",
  );
  out.push(`total run time ${fmt(r.totalSeconds, 1)} s`);
  process.stdout.write(`${out.join("\n")}\n`);
}

main().catch((err) => {
  log(err.stack ?? String(err));
  process.exit(1);
});
