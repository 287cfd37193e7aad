import { isAbsolute, join } from "node:path";
import { DeployerError } from "../errors.js";
import type { BuildSpec } from "./compose.js";
import type { Argv, RunOptions } from "./exec.js";
import { runArgv } from "./exec.js";

/** The label Compose puts on a project's containers; `STACK_NAMESPACE` is Swarm's for a stack's tasks. */
export const COMPOSE_PROJECT = "com.docker.compose.project";
export const STACK_NAMESPACE = "com.docker.stack.namespace";

/** `docker` followed by `args`. */
export function dockerArgv(...args: string[]): Argv {
  return ["docker", ...args];
}

/**
 * The argv of every docker command deployer runs, as pure functions (no I/O):
 * the async functions below run exactly these.
 */
export const dockerCommands = {
  imageExists: (ref: string): Argv => dockerArgv("image", "inspect", "--format", "{{.Id}}", ref),
  tagImage: (source: string, target: string): Argv => dockerArgv("tag", source, target),
  pullImage: (ref: string): Argv => dockerArgv("pull", "--quiet", ref),
  // --no-prune: untagged parent images are the legacy builder's cache, which another app's build may be
  // using at this moment (two apps whose Dockerfiles start alike share them).
  removeImageTag: (ref: string): Argv => dockerArgv("rmi", "--no-prune", ref),
  imageTags: (repository: string): Argv => dockerArgv("images", "--format", "{{.Tag}}", repository),
  inspectContainers: (ids: string[]): Argv => dockerArgv("inspect", ...ids),
  info: (): Argv => dockerArgv("info", "--format", "{{.ServerVersion}}"),
  /** Every container (running or not) of one Compose service, found by Compose's own labels. */
  serviceContainers: (project: string, service: string): Argv =>
    dockerArgv(
      "ps",
      "-a",
      "-q",
      "--no-trunc",
      "--filter",
      `label=com.docker.compose.project=${project}`,
      "--filter",
      `label=com.docker.compose.service=${service}`,
    ),
  removeContainers: (ids: string[]): Argv => dockerArgv("rm", "-f", ...ids),
  /** The running containers of one Compose project (or, by `label`, of one Swarm stack). */
  projectContainers: (project: string, label = COMPOSE_PROJECT): Argv =>
    dockerArgv("ps", "-q", "--no-trunc", "--filter", `label=${label}=${project}`),
  /** What `compose build` runs for a plain build (context, Dockerfile, args, target), without Compose. */
  build: (image: string, spec: BuildSpec): Argv =>
    dockerArgv(
      "build",
      "-t",
      image,
      "-f",
      isAbsolute(spec.dockerfile) ? spec.dockerfile : join(spec.context, spec.dockerfile),
      ...Object.entries(spec.args ?? {}).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
      ...(spec.target ? ["--target", spec.target] : []),
      spec.context,
    ),
  stopContainer: (id: string, seconds: number): Argv => dockerArgv("stop", "-t", String(seconds), id),
};

export async function imageExists(ref: string, opts: RunOptions): Promise<boolean> {
  const r = await runArgv(dockerCommands.imageExists(ref), { ...opts, quiet: true });
  return r.exitCode === 0;
}

export async function tagImage(source: string, target: string, opts: RunOptions): Promise<boolean> {
  const r = await runArgv(dockerCommands.tagImage(source, target), opts);
  return r.exitCode === 0;
}

/** `docker pull`; a failure throws with the end of its output (registry unreachable, no such tag). */
export async function pullImage(ref: string, opts: RunOptions): Promise<void> {
  const r = await runArgv(dockerCommands.pullImage(ref), opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ");
    throw new DockerError(`docker pull ${ref} failed (exit ${r.exitCode}): ${tail}`);
  }
}

export async function removeImageTag(ref: string, opts: RunOptions): Promise<void> {
  await runArgv(dockerCommands.removeImageTag(ref), opts);
}

/** Tags of one image repository, e.g. ["latest", "deployer-<sha>"]. */
export async function imageTags(repository: string, opts: RunOptions): Promise<string[]> {
  const r = await runArgv(dockerCommands.imageTags(repository), { ...opts, quiet: true });
  return r.exitCode === 0 ? r.stdout.split(/\s+/).filter(Boolean) : [];
}

export interface ContainerState {
  id: string;
  name: string;
  running: boolean;
  restarting: boolean;
  exitCode: number;
  /** Made by `compose run`, not part of the app's services. */
  oneOff: boolean;
  /** Docker healthcheck status, when the container defines one. */
  health: "starting" | "healthy" | "unhealthy" | undefined;
  /** When the container was created (ISO time): the newest of a service's containers is the last started. */
  created: string;
  /** How often Docker restarted it (restart policy): a container caught between two restarts looks running. */
  restartCount: number;
  /** Host addresses of each published container port, e.g. {"8080/tcp": ["127.0.0.1:49153"]}. */
  ports: Record<string, string[]>;
}

export async function inspectContainers(ids: string[], opts: RunOptions): Promise<ContainerState[]> {
  if (ids.length === 0) return [];
  // Polled every half second while waiting for health: kept out of the log (the step logs the outcome).
  const r = await runArgv(dockerCommands.inspectContainers(ids), { ...opts, log: undefined });
  if (r.exitCode !== 0) return [];
  const data = JSON.parse(r.stdout) as {
    Id: string;
    Name: string;
    Created: string;
    RestartCount?: number;
    State: { Running: boolean; Restarting: boolean; ExitCode: number; Health?: { Status: ContainerState["health"] } };
    Config: { Labels?: Record<string, string> | null };
    NetworkSettings?: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
  }[];
  return data.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ""),
    running: c.State.Running,
    restarting: c.State.Restarting,
    exitCode: c.State.ExitCode,
    oneOff: /^true$/i.test(c.Config.Labels?.["com.docker.compose.oneoff"] ?? ""),
    health: c.State.Health?.Status,
    created: c.Created,
    restartCount: c.RestartCount ?? 0,
    ports: Object.fromEntries(
      Object.entries(c.NetworkSettings?.Ports ?? {}).map(([port, binds]) => [
        port,
        (binds ?? []).map((b) => `${b.HostIp.includes(":") ? `[${b.HostIp}]` : b.HostIp || "127.0.0.1"}:${b.HostPort}`),
      ]),
    ),
  }));
}

export async function serviceContainers(project: string, service: string, opts: RunOptions): Promise<string[]> {
  const r = await runArgv(dockerCommands.serviceContainers(project, service), { ...opts, quiet: true });
  if (r.exitCode !== 0) throw new DockerError(`docker ps failed: ${r.stderr.trim().split("\n").slice(-2).join(" ")}`);
  return r.stdout.split(/\s+/).filter(Boolean);
}

/** How many containers of a Compose project (or Swarm stack) run; undefined when the engine does not answer. */
export async function runningContainers(
  project: string,
  opts: RunOptions,
  label = COMPOSE_PROJECT,
): Promise<number | undefined> {
  const r = await runArgv(dockerCommands.projectContainers(project, label), { ...opts, quiet: true }).catch(
    () => undefined,
  );
  return r?.exitCode === 0 ? r.stdout.split(/\s+/).filter(Boolean).length : undefined;
}

/** Removes containers at once (SIGKILL); gone already is fine. */
export async function removeContainers(ids: string[], opts: RunOptions): Promise<void> {
  if (ids.length > 0) await runArgv(dockerCommands.removeContainers(ids), opts);
}

/** SIGTERM, then SIGKILL after `seconds`. */
export async function stopContainer(id: string, seconds: number, opts: RunOptions): Promise<void> {
  await runArgv(dockerCommands.stopContainer(id, seconds), opts);
}

export async function buildImage(image: string, spec: BuildSpec, opts: RunOptions): Promise<void> {
  const r = await runArgv(dockerCommands.build(image, spec), opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ");
    throw new DockerError(`docker build of ${image} failed (exit ${r.exitCode}): ${tail}`);
  }
}

export class DockerError extends DeployerError {}

export async function dockerAvailable(): Promise<boolean> {
  const r = await runArgv(dockerCommands.info(), { step: "check", timeoutMs: 15_000 }).catch(() => undefined);
  return r?.exitCode === 0;
}

/** Splits an image reference into repository and tag (`host:5000/a/b:tag` → `host:5000/a/b`, `tag`). */
export function splitImageRef(ref: string): { repository: string; tag: string } {
  const noDigest = ref.split("@")[0] ?? ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  if (colon > slash) return { repository: noDigest.slice(0, colon), tag: noDigest.slice(colon + 1) };
  return { repository: noDigest, tag: "latest" };
}
