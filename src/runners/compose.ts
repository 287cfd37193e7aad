import { parse as parseYaml } from "yaml";
import type { ComposeTarget } from "../config/app-compose.js";
import type { RunOptions, RunResult } from "./exec.js";
import { run } from "./exec.js";

export interface ComposeCli {
  version: "v1" | "v2";
  /** argv prefix: ["docker", "compose"] or ["docker-compose"] */
  argv: [string, ...string[]];
}

export interface ComposeService {
  name: string;
  /** Image the service runs; for built services, the tag the build produces. */
  image: string;
  build?: { context: string; dockerfile: string } | undefined;
}

/** Finds Compose, preferring v2 (`docker compose`) over v1 (`docker-compose`). */
export async function detectCompose(preference: "auto" | "v1" | "v2" = "auto"): Promise<ComposeCli | undefined> {
  const candidates: ComposeCli[] = [
    { version: "v2", argv: ["docker", "compose"] },
    { version: "v1", argv: ["docker-compose"] },
  ];
  for (const c of candidates) {
    if (preference !== "auto" && preference !== c.version) continue;
    const [cmd, ...rest] = c.argv;
    const r = await run(cmd, [...rest, "version"], { step: "detect", timeoutMs: 15_000 }).catch(() => undefined);
    if (r && r.exitCode === 0) return c;
  }
  return undefined;
}

export class ComposeError extends Error {}

function projectArgs(target: ComposeTarget): string[] {
  return [...target.files.flatMap((f) => ["-f", f]), "-p", target.project];
}

export async function compose(
  cli: ComposeCli,
  target: ComposeTarget,
  args: string[],
  opts: RunOptions,
): Promise<RunResult> {
  const [cmd, ...rest] = cli.argv;
  return run(cmd, [...rest, ...projectArgs(target), ...args], opts);
}

async function composeOk(cli: ComposeCli, target: ComposeTarget, args: string[], opts: RunOptions): Promise<string> {
  const r = await compose(cli, target, args, opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ");
    throw new ComposeError(`compose ${args[0]} failed (exit ${r.exitCode}): ${tail}`);
  }
  return r.stdout;
}

/** Image name Compose gives a built service that has no `image:` key. */
export function defaultImageName(cli: ComposeCli, project: string, service: string): string {
  return cli.version === "v1" ? `${project}_${service}` : `${project}-${service}`;
}

/** The resolved services (`compose config`): which are built, from which context and Dockerfile. */
export async function services(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<ComposeService[]> {
  const out = await composeOk(cli, target, ["config"], { ...opts, quiet: true });
  const doc = parseYaml(out) as { services?: Record<string, Record<string, unknown>> };
  return Object.entries(doc.services ?? {}).map(([name, svc]) => {
    const rawBuild = svc.build as string | { context?: string; dockerfile?: string } | undefined;
    const build =
      rawBuild === undefined
        ? undefined
        : typeof rawBuild === "string"
          ? { context: rawBuild, dockerfile: "Dockerfile" }
          : { context: rawBuild.context ?? ".", dockerfile: rawBuild.dockerfile ?? "Dockerfile" };
    const image = typeof svc.image === "string" ? svc.image : build ? defaultImageName(cli, target.project, name) : "";
    return { name, image, build };
  });
}

export async function build(cli: ComposeCli, target: ComposeTarget, names: string[], opts: RunOptions): Promise<void> {
  await composeOk(cli, target, ["build", ...names], opts);
}

export async function up(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<void> {
  await composeOk(cli, target, ["up", "-d", "--remove-orphans"], opts);
}

export async function containerIds(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<string[]> {
  // -a: v2 leaves exited containers out otherwise, and a crashed container is what we look for.
  const out = await composeOk(cli, target, ["ps", "-a", "-q"], { ...opts, quiet: true });
  return out.split(/\s+/).filter(Boolean);
}
