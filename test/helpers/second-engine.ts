import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { resolve } from "node:path";

const SETUP = resolve(import.meta.dirname, "../../scripts/setup-host.sh");

/** A second Docker engine on this machine (scripts/second-dockerd.sh, through setup-host.sh). */
export interface SecondEngine {
  dir: string;
  /** Its DOCKER_HOST: unix://<dir>/docker.sock */
  dockerHost: string;
  /** Runs the docker CLI against it. */
  docker(...args: string[]): string;
  /** Stops the engine, keeping its data (a host that went down). */
  halt(): void;
  /** Starts it again on the same data. */
  start(): void;
  /** Stops it and removes everything it had. */
  destroy(): void;
}

export function startSecondEngine(): SecondEngine {
  // Under /tmp, short: the socket path must fit a sockaddr_un.
  const dir = mkdtempSync("/tmp/h12-engine-");
  const script = (cmd: string) => execFileSync("bash", [SETUP, "second-engine", cmd, dir], { encoding: "utf8" });
  const dockerHost = `unix://${dir}/docker.sock`;
  script("start");
  return {
    dir,
    dockerHost,
    docker: (...args) =>
      execFileSync("docker", args, { encoding: "utf8", env: { ...process.env, DOCKER_HOST: dockerHost } }).trim(),
    halt: () => void script("halt"),
    start: () => void script("start"),
    destroy: () => void script("stop"),
  };
}
