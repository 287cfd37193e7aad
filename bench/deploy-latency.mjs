#!/usr/bin/env node
// Benchmark: does deployer keep answering webhooks quickly while a deploy runs?
// The issue's figure: "well under 50 ms while a deploy runs". Measured as sequential signed
// webhook requests (pushes for an unconfigured repo, so each is verified, stored and answered)
// first with the server idle, then while a real deploy (git sync + docker build + up) runs.
// The peer is the same server idle, in the same run: the headline is the ratio during/idle.
// Needs a Docker engine and Compose (scripts/setup-host.sh) and a built dist/ (npm run build).
// Loopback only; bounded: at most BENCH_IDLE (300) idle requests and 90 s of deploy.

import { execFileSync, spawn } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/deployer.js");
const SECRET = "bench-secret";
const TOKEN = "bench-token";
const IDLE = Number(process.env.BENCH_IDLE ?? 300);
const BUILD_SECONDS = Number(process.env.BENCH_BUILD_SECONDS ?? 8);
const TARGET_MS = 50;

const freePort = () =>
  new Promise((res) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
const git = (cwd, ...args) =>
  execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], {
    cwd,
    encoding: "utf8",
  }).trim();

const root = mkdtempSync(join(tmpdir(), "deployer-bench-deploy-"));
const appPort = await freePort();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
let server;
const project = "benchlatency";

async function cleanup() {
  server?.kill("SIGKILL");
  try {
    execFileSync("docker-compose", ["-p", project, "-f", "docker-compose.prod.yml", "down", "--rmi", "all"], {
      cwd: join(root, "checkout"),
      stdio: "ignore",
    });
  } catch {}
  rmSync(root, { recursive: true, force: true });
}
const hardStop = setTimeout(async () => {
  console.error("benchmark took too long; stopping");
  await cleanup();
  process.exit(2);
}, 180_000);

function payload(fullName, after) {
  return JSON.stringify({
    ref: "refs/heads/main",
    before: "0".repeat(40),
    after,
    repository: { name: fullName.split("/")[1], full_name: fullName, default_branch: "main" },
    pusher: { name: "bench" },
  });
}
async function post(body) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${url}/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
    },
    body,
  });
  const json = await res.json();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, status: res.status, json };
}
const api = async (path) => (await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

try {
  // A real app: bare origin, a clone to push from, the checkout deployer deploys.
  git(root, "init", "-q", "--bare", "-b", "main", "origin.git");
  git(root, "clone", "-q", "origin.git", "work");
  const work = join(root, "work");
  mkdirSync(join(work, "web"));
  copyFileSync("/bin/busybox", join(work, "web/busybox"));
  writeFileSync(join(work, "web/version.txt"), "v1\n");
  writeFileSync(
    join(work, "web/Dockerfile"),
    `FROM scratch\nCOPY busybox /bin/busybox\nCOPY version.txt /www/version.txt\nRUN ["/bin/busybox", "sleep", "${BUILD_SECONDS}"]\nENTRYPOINT ["/bin/busybox"]\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n`,
  );
  writeFileSync(
    join(work, "docker-compose.prod.yml"),
    `services:\n  web:\n    build: ./web\n    ports: ["127.0.0.1:${appPort}:8080"]\n`,
  );
  git(work, "checkout", "-q", "-b", "main");
  git(work, "add", "-A");
  git(work, "commit", "-q", "-m", "v1");
  git(work, "push", "-q", "-u", "origin", "main");
  git(root, "clone", "-q", "origin.git", "checkout");
  // Unique content: the RUN sleep below must not come from the build cache of an earlier run.
  writeFileSync(join(work, "web/version.txt"), `v2 ${Date.now()}\n`);
  git(work, "commit", "-q", "-am", "v2");
  git(work, "push", "-q");
  const sha = git(work, "rev-parse", "HEAD");

  writeFileSync(
    join(root, "deployer.yml"),
    `server: { host: 127.0.0.1, port: ${port} }\ndataDir: ./data\nlogFile: null\nsecret: ${SECRET}\napiToken: ${TOKEN}\napps:\n  bench:\n    repo: bench/app\n    path: ./checkout\n    branch: main\n    project: ${project}\n`,
  );
  server = spawn(process.execPath, [CLI, "serve", "--config", join(root, "deployer.yml")], {
    cwd: root,
    stdio: "ignore",
  });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error("deployer did not start");
    await sleep(50);
  }

  const ignored = payload("someone/else", "a".repeat(40));
  for (let i = 0; i < 20; i++) await post(ignored); // warm-up
  const idle = [];
  for (let i = 0; i < IDLE; i++) idle.push((await post(ignored)).ms);

  const queued = await post(payload("bench/app", sha));
  if (queued.status !== 202) throw new Error(`deploy not queued: ${JSON.stringify(queued.json)}`);
  const id = queued.json.id;
  const during = [];
  const until = Date.now() + 90_000;
  let final;
  for (;;) {
    for (let i = 0; i < 20; i++) during.push((await post(ignored)).ms);
    final = await api(`/api/deployments/${id}`);
    if (!["queued", "running"].includes(final.status) || Date.now() > until) break;
  }
  const took = (Date.parse(final.finishedAt) - Date.parse(final.startedAt)) / 1000;

  const row = (name, xs) =>
    `${name.padEnd(16)}${String(xs.length).padStart(6)}${[50, 95, 99]
      .map((p) => pct(xs, p).toFixed(2).padStart(9))
      .join("")}${Math.max(...xs)
      .toFixed(2)
      .padStart(9)}`;
  console.log(
    `webhook latency while a deploy runs (deploy ${final.status} in ${took.toFixed(1)} s, build sleeps ${BUILD_SECONDS} s)`,
  );
  console.log(
    `${"".padEnd(16)}${"n".padStart(6)}${["p50", "p95", "p99", "max"].map((h) => `${h} ms`.padStart(9)).join("")}`,
  );
  console.log(row("idle", idle));
  console.log(row("during deploy", during));
  console.log(
    `ratio during/idle: p50 ${(pct(during, 50) / pct(idle, 50)).toFixed(2)}x, p99 ${(pct(during, 99) / pct(idle, 99)).toFixed(2)}x`,
  );
  const p99 = pct(during, 99);
  console.log(
    `target: p99 during deploy < ${TARGET_MS} ms: ${p99 < TARGET_MS ? "met" : "NOT met"} (${p99.toFixed(2)} ms)`,
  );
  if (final.status !== "succeeded") console.log(`note: the deploy ended ${final.status}: ${final.error}`);
} finally {
  clearTimeout(hardStop);
  await cleanup();
}
