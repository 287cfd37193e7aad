import type { AppConfig } from "../config/types.js";
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
}

/**
 * Live when the app has a health URL (asked now, 2 s at most); otherwise whether anything was ever
 * deployed successfully (a failed deploy rolls back, so the last good version runs). null: never deployed.
 */
async function isHealthy(app: AppConfig, deployed: boolean): Promise<boolean | null> {
  if (!app.healthcheck) return deployed ? true : null;
  return (await probe(app.healthcheck.url, app.healthcheck.expect, 2000)).ok;
}

/** Every configured app with its deployed commit, last and running deployment, and health. */
export function appStatuses(rt: Runtime): Promise<AppStatus[]> {
  return Promise.all(
    Object.values(rt.config.apps).map(async (a) => {
      const recent = rt.store.list({ app: a.name, limit: 20 });
      const current = rt.store.lastSucceeded(a.name);
      return {
        name: a.name,
        repo: a.repo ?? null,
        branch: a.branch ?? recent.find((d) => d.branch)?.branch ?? null,
        currentSha: current?.sha ?? null,
        healthy: await isHealthy(a, current !== undefined),
        running: recent.find((d) => d.status === "running")?.id ?? null,
        lastDeployment: recent[0] ?? null,
        serving: rt.serving.get(a.name) ?? null,
      };
    }),
  );
}
