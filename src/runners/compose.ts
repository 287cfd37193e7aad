import type { ComposeTarget } from "../config/app-compose.js";
import { DeployerError } from "../errors.js";
import type { Argv, RunOptions, RunResult } from "./exec.js";
import { runArgv } from "./exec.js";

export interface ComposeCli {
  version: "v1" | "v2";
  /** argv prefix: ["docker", "compose"] or ["docker-compose"] */
  argv: [string, ...string[]];
}

export interface ComposeService {
  name: string;
  /** Image the service runs; for built services, the tag the build produces. */
  image: string;
  build?: BuildSpec | undefined;
  /** A fixed container name: such a service can never run two containers side by side. */
  containerName?: string | undefined;
  /** Published ports, as `compose config` resolves them. */
  ports?: PortMapping[] | undefined;
}

/** How a service is built, as `compose config` resolves it. */
export interface BuildSpec {
  context: string;
  dockerfile: string;
  args?: Record<string, string> | undefined;
  target?: string | undefined;
  /** Uses only context, dockerfile, args and target: a plain `docker build` builds it exactly so. */
  plain?: boolean | undefined;
}

/** One published port: `published` is empty for an ephemeral host port. */
export interface PortMapping {
  hostIp: string;
  published: string;
  target: number;
}

/** Compose's own argv: the cli prefix, then `args` (no project flags). */
function cliArgv(cli: ComposeCli, args: string[]): Argv {
  return [...cli.argv, ...args];
}

/** The full argv of a Compose command on one project: cli prefix, `-f file …`, `-p project`, then `args`. */
export function composeArgv(cli: ComposeCli, target: ComposeTarget, args: string[]): Argv {
  return cliArgv(cli, [...target.files.flatMap((f) => ["-f", f]), "-p", target.project, ...args]);
}

/**
 * The argv of every Compose command deployer runs, as pure functions (no I/O):
 * the async functions below run exactly these.
 */
export const composeCommands = {
  version: (cli: ComposeCli): Argv => cliArgv(cli, ["version"]),
  config: (cli: ComposeCli, target: ComposeTarget): Argv => composeArgv(cli, target, ["config"]),
  build: (cli: ComposeCli, target: ComposeTarget, names: string[]): Argv =>
    composeArgv(cli, target, ["build", ...names]),
  up: (cli: ComposeCli, target: ComposeTarget): Argv => composeArgv(cli, target, ["up", "-d", "--remove-orphans"]),
  /** Brings up exactly these services, never their dependencies (the traffic service stays untouched). */
  upOnly: (cli: ComposeCli, target: ComposeTarget, names: string[]): Argv =>
    composeArgv(cli, target, ["up", "-d", "--no-deps", ...names]),
  /** Adds containers of `service` up to `count`, leaving the running ones as they are. */
  scaleUp: (cli: ComposeCli, target: ComposeTarget, service: string, count: number): Argv =>
    composeArgv(cli, target, ["up", "-d", "--no-deps", "--no-recreate", "--scale", `${service}=${count}`, service]),
  // -a: v2 leaves exited containers out otherwise, and a crashed container is what we look for.
  containerIds: (cli: ComposeCli, target: ComposeTarget): Argv => composeArgv(cli, target, ["ps", "-a", "-q"]),
};

/** Finds Compose, preferring v2 (`docker compose`) over v1 (`docker-compose`). */
export async function detectCompose(preference: "auto" | "v1" | "v2" = "auto"): Promise<ComposeCli | undefined> {
  const candidates: ComposeCli[] = [
    { version: "v2", argv: ["docker", "compose"] },
    { version: "v1", argv: ["docker-compose"] },
  ];
  for (const c of candidates) {
    if (preference !== "auto" && preference !== c.version) continue;
    const r = await runArgv(composeCommands.version(c), { step: "detect", timeoutMs: 15_000 }).catch(() => undefined);
    if (r && r.exitCode === 0) return c;
  }
  return undefined;
}

export class ComposeError extends DeployerError {}

export async function compose(
  cli: ComposeCli,
  target: ComposeTarget,
  args: string[],
  opts: RunOptions,
): Promise<RunResult> {
  return runArgv(composeArgv(cli, target, args), opts);
}

/**
 * Runs a Compose command that must succeed; `subcommand` names it in the ComposeError thrown otherwise,
 * after `prefix` (what the command was for).
 */
export async function composeOk(argv: Argv, subcommand: string, opts: RunOptions, prefix = ""): Promise<string> {
  const r = await runArgv(argv, opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ");
    throw new ComposeError(`${prefix}compose ${subcommand} failed (exit ${r.exitCode}): ${tail}`);
  }
  return r.stdout;
}

/** Image name Compose gives a built service that has no `image:` key. */
export function defaultImageName(cli: ComposeCli, project: string, service: string): string {
  return cli.version === "v1" ? `${project}_${service}` : `${project}-${service}`;
}

export async function upOnly(cli: ComposeCli, target: ComposeTarget, names: string[], opts: RunOptions): Promise<void> {
  await composeOk(composeCommands.upOnly(cli, target, names), "up", opts);
}

export async function scaleUp(
  cli: ComposeCli,
  target: ComposeTarget,
  service: string,
  count: number,
  opts: RunOptions,
): Promise<void> {
  await composeOk(composeCommands.scaleUp(cli, target, service, count), "up", opts);
}

export async function build(cli: ComposeCli, target: ComposeTarget, names: string[], opts: RunOptions): Promise<void> {
  await composeOk(composeCommands.build(cli, target, names), "build", opts);
}

export async function up(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<void> {
  await composeOk(composeCommands.up(cli, target), "up", opts);
}

export async function containerIds(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<string[]> {
  const out = await composeOk(composeCommands.containerIds(cli, target), "ps", { ...opts, quiet: true });
  return out.split(/\s+/).filter(Boolean);
}
