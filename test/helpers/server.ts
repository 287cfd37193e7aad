import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stringify } from "yaml";
import { NODE_FLAGS } from "../../src/cli/commands/systemd.js";
import type { Deployment } from "../../src/store/types.js";
import { freePort } from "./app-fixture.js";
import { sendWebhook } from "./github.js";
import { waitFor } from "./wait.js";

/**
 * The built CLI (test/global-setup.ts builds it before any test). DEPLOYER_TEST_CLI points the tests at
 * another build: only for checking that a test fails against deliberately broken code.
 */
export const CLI = process.env.DEPLOYER_TEST_CLI ?? resolve(import.meta.dirname, "../../dist/deployer.js");
export const SECRET = "e2e-secret";
export const TOKEN = "e2e-token";
/** Every child process a test starts is killed after this long. */
export const CHILD_TIMEOUT_MS = 240_000;

export interface RunningServer {
  url: string;
  dir: string;
  configFile: string;
  proc: ChildProcess;
  output(): string;
  push(payload: unknown): Promise<{ status: number; body: Record<string, any> }>;
  api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  deployment(id: string): Promise<Deployment>;
  /** Polls until the deployment leaves queued/running. */
  waitFor(id: string, timeoutMs?: number): Promise<Deployment>;
  waitUntil(pred: (d: Deployment) => boolean, id: string, timeoutMs?: number): Promise<Deployment>;
  /** Polls until the deployment is running the named step. */
  waitForStep(id: string, step: string, timeoutMs?: number): Promise<Deployment>;
  /** Runs the CLI against this server; resolves with its exit code and output. */
  cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** The server's log file once it contains every `expected` string (it is written asynchronously). */
  logFile(expected: string[]): Promise<string>;
  /** Starts the same server again on the same data (after a crash or stop), optionally with another config. */
  restart(config?: Record<string, unknown>): Promise<RunningServer>;
}

/** Runs the real CLI (`deployer serve`) as a child process with a config written from `config`. */
export async function startServer(
  dir: string,
  config: Record<string, unknown>,
  port?: number,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  mkdirSync(dir, { recursive: true });
  const configFile = join(dir, "deployer.yml");
  const listen = port ?? (await freePort());
  writeFileSync(
    configFile,
    stringify({
      server: { host: "127.0.0.1", port: listen },
      dataDir: "./data",
      logFile: "./deployer.log",
      secret: SECRET,
      apiToken: TOKEN,
      ...config,
    }),
  );
  // With the Node flags of the #! line and the systemd unit, as users run the server.
  const proc = spawn(process.execPath, [...NODE_FLAGS.split(" "), CLI, "serve", "--config", configFile], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "", ...env },
    // Tests stop it; this only ends a server a failed test left behind.
    timeout: 900_000,
    killSignal: "SIGKILL",
  });
  let out = "";
  proc.stdout?.on("data", (c) => (out += c));
  proc.stderr?.on("data", (c) => (out += c));
  const url = `http://127.0.0.1:${listen}`;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  };

  // Generous: a loaded machine can take many seconds to start node and open the database.
  const startBy = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) })).ok) break;
    } catch {}
    if (Date.now() > startBy) {
      proc.kill("SIGKILL");
      throw new Error(`server did not start:\n${out}`);
    }
    await sleep(50);
  }

  const server: RunningServer = {
    url,
    dir,
    configFile,
    proc,
    output: () => out,
    push: (payload) => sendWebhook(url, "push", payload, SECRET),
    api,
    deployment: async (id) => (await api("GET", `/api/deployments/${id}`)).body,
    waitUntil: async (pred, id, timeoutMs = 180_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const d = await server.deployment(id);
        if (pred(d)) return d;
        if (Date.now() > until) throw new Error(`deployment ${id} stuck: ${JSON.stringify(d)}\n${out.slice(-3000)}`);
        await sleep(100);
      }
    },
    waitFor: (id, timeoutMs) => server.waitUntil((d) => !["queued", "running"].includes(d.status), id, timeoutMs),
    waitForStep: (id, step, timeoutMs) =>
      server.waitUntil((d) => d.steps?.some((s) => s.name === step && s.status === "running") ?? false, id, timeoutMs),
    cli: (...args) =>
      new Promise((resolveCli) => {
        const child = spawn(process.execPath, [CLI, ...args, "--url", url], {
          cwd: dir,
          stdio: ["ignore", "pipe", "pipe"],
          env: { ...process.env, DEPLOYER_API_TOKEN: TOKEN },
          // A CLI that never exits must fail its test, not hang the worker.
          timeout: CHILD_TIMEOUT_MS,
          killSignal: "SIGKILL",
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c) => (stdout += c));
        child.stderr.on("data", (c) => (stderr += c));
        child.on("close", (code, signal) =>
          resolveCli({ code: code ?? -1, stdout, stderr: signal ? `${stderr}\n(killed by ${signal})` : stderr }),
        );
      }),
    async stop(signal = "SIGTERM") {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill(signal);
      // serve gives running deploys 30 s; past that (plus slack), it is hung: kill it so the test ends.
      const hung = setTimeout(() => proc.kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(hung);
    },
    async logFile(expected) {
      const file = join(dir, "deployer.log");
      // pino writes the file asynchronously: wait until the expected lines have been flushed.
      return waitFor(`${expected.join(", ")} in ${file}`, () => {
        const text = existsSync(file) ? readFileSync(file, "utf8") : "";
        return expected.every((e) => text.includes(e)) && text;
      });
    },
    restart: (next = config) => startServer(dir, next, listen, env),
  };
  return server;
}

/** Runs the built CLI in `cwd` (killed after CHILD_TIMEOUT_MS); its exit code and its output, both streams. */
export function runCli(cwd: string, ...args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: CHILD_TIMEOUT_MS,
    });
    let out = "";
    child.stdout?.on("data", (c) => {
      out += c;
    });
    child.stderr?.on("data", (c) => {
      out += c;
    });
    child.on("exit", (code) => resolve({ code: code ?? -1, out }));
  });
}
