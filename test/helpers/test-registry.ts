import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort } from "./app-fixture.js";

const SETUP = resolve(import.meta.dirname, "../../scripts/setup-host.sh");

/** A Docker registry on a loopback port (scripts/test-registry.sh, through setup-host.sh). */
export interface TestRegistry {
  /** host:port, as an app's `registry:` names it. */
  address: string;
  /** Stops it (its images stay: `start` brings them back). */
  halt(): void;
  start(): void;
  /** Stops it and removes its storage. */
  stop(): void;
}

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = mkdtempSync("/tmp/h12-registry-");
  const port = await freePort();
  const script = (...args: string[]) => execFileSync("bash", [SETUP, "registry", ...args], { stdio: "ignore" });
  const start = () => script("start", dir, String(port));
  start();
  return {
    address: `127.0.0.1:${port}`,
    halt: () => {
      try {
        process.kill(Number(readFileSync(join(dir, "registry.pid"), "utf8")), "SIGTERM");
      } catch {}
    },
    start,
    stop: () => script("stop", dir),
  };
}
