import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, expect, it } from "vitest";
import { stringify } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import { createRuntime, type Runtime } from "../../src/engine/runtime.js";
import { createLogger } from "../../src/logger.js";
import { FakeApi, until } from "../helpers/fake-api.js";

// Issue 11: a deployer killed with SIGKILL while its reports are pending delivers them after a restart,
// exactly once per state. The forge is a FAKE GitHub API (test/helpers/fake-api.ts). Needs `dist` (built).

const DIST = resolve(import.meta.dirname, "../../dist");
const SHA = "b".repeat(40);
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A child deployer (the built code) that runs one deployment with a fake executor, then idles. */
const CHILD = `
import { readFileSync } from "node:fs";
const [dist, file] = process.argv.slice(2);
const { parseConfig } = await import(dist + "/config/load.js");
const { createRuntime } = await import(dist + "/engine/runtime.js");
const { createLogger } = await import(dist + "/logger.js");
const config = parseConfig(readFileSync(file, "utf8"), file, { env: {}, checkPaths: false });
const rt = createRuntime(config, { version: "v1", argv: ["docker-compose"] }, createLogger({ console: false }), {
  execute: async (d) => rt.store.finish(d.id, "succeeded"),
  outbox: { baseDelayMs: 100, maxDelayMs: 200, pollMs: 20 },
});
const d = rt.store.insert({ app: "shop", trigger: "manual", sha: "${SHA}", ref: "refs/heads/main", branch: "main" });
rt.queue.kick();
await rt.queue.idle();
console.log("READY " + d.id);
setInterval(() => {}, 1000);
`;

it("kill -9 with reports pending: after restart each state is delivered exactly once", async () => {
  let down = true;
  const gh = await new FakeApi(() => (down ? { status: 500 } : { status: 201, body: { id: 1 } })).start();
  cleanup.push(() => gh.close());
  const dir = mkdtempSync(join(tmpdir(), "deployer-r11-"));
  cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "deployer.yml");
  const raw = {
    dataDir: join(dir, "data"),
    logFile: null,
    secret: "s".repeat(20),
    publicUrl: "https://deploy.example.com",
    apps: { shop: { repo: "acme/shop", path: dir, branch: "main", report: { token: "tok-123456", apiUrl: gh.url } } },
  };
  writeFileSync(file, stringify(raw));
  writeFileSync(join(dir, "child.mjs"), CHILD);

  const child = spawn(process.execPath, [join(dir, "child.mjs"), DIST, file], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout?.on("data", (c) => (out += c));
  await until(() => out.includes("READY"), 15_000, "the child deployer");
  cleanup.push(async () => {
    child.kill("SIGKILL");
  });
  // The first report (pending) is refused twice; the final one waits behind it. Then the process dies hard.
  await until(() => gh.requests.length >= 2, 10_000, "attempts");
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  expect(gh.requests.every((r) => r.status === 500)).toBe(true);

  down = false;
  const config = parseConfig(stringify(raw), file, { env: {}, checkPaths: false });
  const rt: Runtime = createRuntime(
    config,
    { version: "v1", argv: ["docker-compose"] },
    createLogger({ console: false }),
    {
      execute: async () => {},
      outbox: { baseDelayMs: 20, maxDelayMs: 50, pollMs: 20 },
    },
  );
  cleanup.push(() => rt.close(1000));
  const id = out.match(/READY (\S+)/)?.[1] as string;
  await until(() => rt.outbox.list(id).every((r) => r.state === "delivered"), 15_000, "delivery after restart");
  await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
  const delivered = gh.requests.filter((r) => r.status === 201).map((r) => `${r.path} ${r.json.state}`);
  expect(delivered).toEqual([`/repos/acme/shop/statuses/${SHA} pending`, `/repos/acme/shop/statuses/${SHA} success`]);
});
