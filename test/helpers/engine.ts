import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A second Docker engine for one test, so that it can be stopped without touching the shared one:
 * its own socket, data and exec roots, pid file, config and bridge, no iptables, vfs storage.
 * (Never `--bridge=none`: a dockerd started so deletes `docker0`, the shared engine's bridge, since
 * all engines here share one network namespace.)
 * Point a child at it with `env: { DOCKER_HOST: engine.host }`.
 */
export interface TestEngine {
  dir: string;
  /** unix:// address of the engine's socket. */
  host: string;
  /** Starts dockerd and waits until it answers. */
  start(): Promise<void>;
  /** Stops dockerd (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  stop(graceMs?: number): Promise<void>;
  /** Runs the docker CLI against this engine. */
  docker(...args: string[]): string;
  /** Stops the engine, unmounts anything left under its directory and removes it. */
  destroy(): Promise<void>;
}

export function createTestEngine(prefix: string): TestEngine {
  // Short path: a unix socket path must stay under 108 bytes.
  const dir = mkdtempSync(join("/tmp", `${prefix}-`));
  const sock = join(dir, "docker.sock");
  const host = `unix://${sock}`;
  const config = join(dir, "daemon.json");
  // Its own bridge and address pool, named and numbered from the directory (bridge names: 15 chars).
  const sum = [...dir].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  const bridge = `s8br${sum % 100000}`;
  const octet = (sum % 200) + 20;
  const ip = (...args: string[]) => {
    try {
      execFileSync("ip", args, { timeout: 10_000, stdio: "ignore" });
    } catch {}
  };
  writeFileSync(config, "{}\n");
  let proc: ChildProcess | undefined;

  const docker = (...args: string[]) =>
    execFileSync("docker", ["-H", host, ...args], {
      encoding: "utf8",
      timeout: 30_000,
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();

  const engine: TestEngine = {
    dir,
    host,
    docker,
    async start() {
      for (const d of ["data", "exec"]) mkdirSync(join(dir, d), { recursive: true });
      const log = openSync(join(dir, "dockerd.log"), "a");
      ip("link", "add", "name", bridge, "type", "bridge");
      ip("addr", "add", `10.${octet}.64.1/24`, "dev", bridge);
      ip("link", "set", bridge, "up");
      proc = spawn(
        "dockerd",
        [
          "--host",
          host,
          "--config-file",
          config,
          "--data-root",
          join(dir, "data"),
          "--exec-root",
          join(dir, "exec"),
          "--pidfile",
          join(dir, "docker.pid"),
          "--bridge",
          bridge,
          "--default-address-pool",
          `base=10.${octet}.96.0/19,size=24`,
          "--iptables=false",
          "--ip6tables=false",
          "--storage-driver=vfs",
        ],
        { stdio: ["ignore", log, log], detached: true },
      );
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (proc.exitCode !== null) throw new Error(`dockerd exited ${proc.exitCode}:\n${readLog()}`);
        try {
          docker("version", "--format", "{{.Server.Version}}");
          return;
        } catch {}
        if (Date.now() > deadline) throw new Error(`dockerd did not answer:\n${readLog()}`);
        await sleep(250);
      }
    },
    async stop(graceMs = 30_000) {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once("exit", r));
      p.kill("SIGTERM");
      const timer = setTimeout(() => p.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      proc = undefined;
    },
    async destroy() {
      // Compose networks made on this engine leave bridges behind: note them while it answers.
      let nets: string[] = [];
      try {
        nets = docker("network", "ls", "-q", "--filter", "driver=bridge").split(/\s+/).filter(Boolean);
      } catch {}
      await engine.stop(15_000);
      for (const id of nets) ip("link", "delete", `br-${id.slice(0, 12)}`);
      // Its managed containerd and the shims of its containers live in its own process group.
      try {
        const pid = Number(readFileSync(join(dir, "exec", "containerd", "containerd.pid"), "utf8"));
        if (pid > 0) process.kill(pid, "SIGKILL");
      } catch {}
      const mounts = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .map((l) => l.split(" ")[1] ?? "")
        .filter((m) => m.startsWith(`${dir}/`))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) {
        try {
          execFileSync("umount", ["-l", m], { timeout: 10_000, stdio: "ignore" });
        } catch {}
      }
      ip("link", "delete", bridge);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const readLog = () => {
    try {
      return readFileSync(join(dir, "dockerd.log"), "utf8").slice(-3000);
    } catch {
      return "";
    }
  };
  return engine;
}
