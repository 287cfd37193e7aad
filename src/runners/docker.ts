import type { RunOptions } from "./exec.js";
import { run } from "./exec.js";

export async function imageExists(ref: string, opts: RunOptions): Promise<boolean> {
  const r = await run("docker", ["image", "inspect", "--format", "{{.Id}}", ref], { ...opts, quiet: true });
  return r.exitCode === 0;
}

export async function tagImage(source: string, target: string, opts: RunOptions): Promise<boolean> {
  const r = await run("docker", ["tag", source, target], opts);
  return r.exitCode === 0;
}

export async function removeImageTag(ref: string, opts: RunOptions): Promise<void> {
  await run("docker", ["rmi", ref], opts);
}

/** Tags of one image repository, e.g. ["latest", "deployer-<sha>"]. */
export async function imageTags(repository: string, opts: RunOptions): Promise<string[]> {
  const r = await run("docker", ["images", "--format", "{{.Tag}}", repository], { ...opts, quiet: true });
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
}

export async function inspectContainers(ids: string[], opts: RunOptions): Promise<ContainerState[]> {
  if (ids.length === 0) return [];
  // Polled every half second while waiting for health: kept out of the log (the step logs the outcome).
  const r = await run("docker", ["inspect", ...ids], { ...opts, log: undefined });
  if (r.exitCode !== 0) return [];
  const data = JSON.parse(r.stdout) as {
    Id: string;
    Name: string;
    State: { Running: boolean; Restarting: boolean; ExitCode: number; Health?: { Status: ContainerState["health"] } };
    Config: { Labels?: Record<string, string> | null };
  }[];
  return data.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, ""),
    running: c.State.Running,
    restarting: c.State.Restarting,
    exitCode: c.State.ExitCode,
    oneOff: /^true$/i.test(c.Config.Labels?.["com.docker.compose.oneoff"] ?? ""),
    health: c.State.Health?.Status,
  }));
}

export async function dockerAvailable(): Promise<boolean> {
  const r = await run("docker", ["info", "--format", "{{.ServerVersion}}"], { step: "check", timeoutMs: 15_000 }).catch(
    () => undefined,
  );
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
