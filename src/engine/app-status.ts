import { composeTarget } from "../config/app-compose.js";
import { appHosts, type DockerHost, resolveHealthUrl } from "../config/hosts.js";
import type { AppConfig } from "../config/types.js";
import { COMPOSE_PROJECT, runningContainers, STACK_NAMESPACE } from "../runners/docker.js";
import { onEngine } from "../runners/docker-host.js";
import { probe } from "../runners/http.js";
import type { Serving } from "../store/serving.js";
import type { Deployment } from "../store/types.js";
import type { Runtime } from "./runtime.js";

export interface AppStatus {
  name: string;
  repo: string | null;
  branch: string | null;
  currentSha: string | null;
  healthy: boolean | null;
  running: string | null;
  lastDeployment: Deployment | null;
  /** Zero-downtime apps: the container the proxy sends traffic to, and since when. */
  serving: Serving | null;
  /** Apps with `hosts`: one entry per host, in rollout order; null for an app on the local engine alone. */
  hosts: HostStatus[] | null;
}

export interface HostStatus {
  name: string;
  /** Its DOCKER_HOST, `context <name>`, or "local engine". */
  engine: string;
  /** The commit the host runs: every host runs the app's deployed commit (a failed rollout is rolled back). */
  currentSha: string | null;
  /** Its health URL (with `${HOST}` and its env) asked now; as for the app without one. */
  healthy: boolean | null;
  /** Running containers of the app's Compose project (swarm: of its stack) on this engine now; null when the engine does not answer. */
  containers: number | null;
}

/**
 * Live when the app has a health URL (asked now, 2 s at most); otherwise whether anything was ever
 * deployed successfully (a failed deploy rolls back, so the last good version runs). null: never deployed.
 */
async function isHealthy(app: AppConfig, deployed: boolean, host?: DockerHost): Promise<boolean | null> {
  if (!app.healthcheck) return deployed ? true : null;
  return (await probe(resolveHealthUrl(app.healthcheck.url, host), app.healthcheck.expect, 2000)).ok;
}

/** An app on several hosts is healthy when every host is; unknown when any host's health is. */
function allHealthy(hosts: HostStatus[]): boolean | null {
  if (hosts.some((h) => h.healthy === false)) return false;
  return hosts.every((h) => h.healthy === true) ? true : null;
}

function hostStatuses(app: AppConfig, currentSha: string | null): Promise<HostStatus[]> | null {
  const hosts = appHosts(app);
  if (!hosts) return null;
  let project: string;
  try {
    ({ project } = composeTarget(app));
  } catch {
    project = app.name; // An unreadable .env fails the app's deploys with the reason; status still answers.
  }
  // A swarm app's containers are its stack's tasks (those on this engine's node).
  const label = app.strategy === "swarm" ? STACK_NAMESPACE : COMPOSE_PROJECT;
  return Promise.all(
    hosts.map(async (h) => ({
      name: h.name,
      engine: h.context ? `context ${h.context}` : (h.dockerHost ?? "local engine"),
      currentSha,
      healthy: await isHealthy(app, currentSha !== null, h),
      containers: (await runningContainers(project, onEngine({ step: "status", timeoutMs: 3000 }, h), label)) ?? null,
    })),
  );
}

/** Every configured app with its deployed commit, last and running deployment, and health. */
export function appStatuses(rt: Runtime): Promise<AppStatus[]> {
  return Promise.all(
    Object.values(rt.config.apps).map(async (a) => {
      const recent = rt.store.list({ app: a.name, limit: 20 });
      const current = rt.store.lastSucceeded(a.name);
      const hosts = await hostStatuses(a, current?.sha ?? null);
      return {
        name: a.name,
        repo: a.repo ?? null,
        branch: a.branch ?? recent.find((d) => d.branch)?.branch ?? null,
        currentSha: current?.sha ?? null,
        healthy: hosts ? allHealthy(hosts) : await isHealthy(a, current !== undefined),
        running: recent.find((d) => d.status === "running")?.id ?? null,
        lastDeployment: recent[0] ?? null,
        serving: rt.serving.get(a.name) ?? null,
        hosts,
      };
    }),
  );
}
