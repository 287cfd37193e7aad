#!/usr/bin/env node
// deployer's RSS second by second: 15 s idle after start, then 20 s after N signed deliveries (half
// ignored pushes, then half accepted ones), with the process's memory map split by region at the end of
// each phase. The figures behind "Footprint" in docs/benchmarks.md.
//   npm run build && node bench/rss-curve.mjs        # N=100000; MIX=ignored|accepted|both
//   FLAGS="--max-semi-space-size=1 --v8-pool-size=1" node bench/rss-curve.mjs   # other Node flags
import { spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { memoryRegions } from "./memory-regions.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CLI = join(ROOT, "dist/deployer.js");
const require = createRequire(import.meta.url);
const N = Number(process.env.N ?? 100_000);
const MIX = process.env.MIX ?? "both";
// By default the Node flags of the #! line, as `deployer serve` runs.
const flags = (
  process.env.FLAGS ??
  readFileSync(CLI, "utf8")
    .split("\n")[0]
    .replace(/^#!.*?\bnode\b/, "")
)
  .split(/\s+/)
  .filter(Boolean);
const SECRET = "rss-curve-secret";
const port = await new Promise((res) => {
  const s = http.createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => res(p));
  });
});
const dir = mkdtempSync(join(tmpdir(), "deployer-rss-"));
spawnSync("git", ["init", "-q", join(dir, "site")]);
writeFileSync(
  join(dir, "deployer.yml"),
  [
    `server: { host: 127.0.0.1, port: ${port} }`,
    "dataDir: ./data",
    "logFile: ./deployer.log",
    `secret: ${SECRET}`,
    "apiToken: rss-curve-token-0123456789abcdef0123",
    "apps:",
    // Approval keeps accepted pushes stored (waiting, coalesced) without running a deploy.
    "  site: { repo: Codertocat/Hello-World, path: ./site, project: site, branch: master, approve: true }",
    "",
  ].join("\n"),
);
const push = require("@octokit/webhooks-examples")
  .find((e) => e.name === "push")
  .examples.find((p) => p.ref?.startsWith("refs/heads/") && !p.deleted && p.repository?.full_name);
const bodies = {
  accepted: Buffer.from(JSON.stringify(push)),
  ignored: Buffer.from(JSON.stringify({ ...push, ref: "refs/heads/not-deployed" })),
};
const sig = (b) => `sha256=${createHmac("sha256", SECRET).update(b).digest("hex")}`;
const child = spawn(process.execPath, [...flags, CLI, "--config", join(dir, "deployer.yml"), "serve"], {
  cwd: dir,
  stdio: ["ignore", process.env.CHILD_OUT ? "inherit" : "ignore", "ignore"],
});
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))[1]) / 1024;
const regions = () => memoryRegions(child.pid);
while (
  !(await fetch(`http://127.0.0.1:${port}/healthz`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await sleep(5);
const curve = async (seconds) => {
  const out = [];
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    out.push(rss().toFixed(1));
  }
  return out.join(" ");
};
console.log(`idle, 1..15 s after start (MB): ${await curve(15)}`);
console.log(`  regions: ${regions()}`);
const tag = Date.now().toString(36);
async function flood(kind, count, concurrency = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await new Promise((res) => {
        const headers = {
          "content-type": "application/json",
          "x-github-event": "push",
          "x-github-delivery": `${kind}-${tag}-${i}`,
          "x-hub-signature-256": sig(bodies[kind]),
        };
        const q = http.request({ host: "127.0.0.1", port, method: "POST", path: "/webhook", agent, headers }, (r) => {
          r.resume();
          r.on("end", res);
        });
        q.on("error", res);
        q.end(bodies[kind]);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
}
if (MIX !== "accepted") await flood("ignored", MIX === "both" ? N / 2 : N);
if (MIX !== "ignored") await flood("accepted", MIX === "both" ? N / 2 : N);
console.log(`after ${N} deliveries (${MIX}), 1..20 s (MB): ${await curve(20)}`);
console.log(`  regions: ${regions()}`);
child.kill("SIGTERM");
await new Promise((res) => child.once("exit", res));
rmSync(dir, { recursive: true, force: true });
