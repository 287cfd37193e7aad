import type { AppConfig } from "../config/types.js";
import { describeError } from "../errors.js";
import { shortSha } from "../helpers/short-sha.js";
import * as git from "../runners/git.js";
import { appBranch } from "./requests.js";
import type { Runtime } from "./runtime.js";

export interface CatchUp {
  /** Resolves when the checks made at start are done (queued or found nothing missed). */
  started: Promise<void>;
  stop(): void;
}

/**
 * Compares the app's deployed commit with its branch head on origin, and queues a `catch-up`
 * deployment of the head if deployer never saw it: a push made while deployer was down (GitHub does
 * not retry) or whose webhook was lost. A head deployer already deployed, tried or rolled back from
 * is left alone; an app never deployed is left to its first push.
 */
export async function catchUpApp(rt: Pick<Runtime, "store" | "queue" | "logger">, app: AppConfig): Promise<void> {
  const deployed = rt.store.lastSucceeded(app.name);
  if (!deployed) return;
  try {
    const branch = deployed.branch ?? (await appBranch(app));
    const head = await git.remoteHead(branch, { cwd: app.path, step: "catch-up", timeoutMs: 60_000 });
    if (!head || head === deployed.sha) return;
    const known = rt.store.list({ app: app.name, limit: 1_000_000 }).some((d) => d.sha === head);
    if (known) return;
    const d = rt.store.insert({
      app: app.name,
      trigger: "catch-up",
      actor: "catch-up",
      sha: head,
      ref: `refs/heads/${branch}`,
      branch,
    });
    rt.logger.info(
      { app: app.name, deployment: d.id },
      `${app.name}: origin/${branch} is at ${shortSha(head)}, deployed is ${shortSha(deployed.sha)}; queued catch-up ${d.id}`,
    );
    rt.queue.kick();
  } catch (err) {
    rt.logger.warn({ app: app.name }, `${app.name}: catch-up check failed: ${describeError(err)}`);
  }
}

/** Checks every app once now, then each app with `poll` every `poll` seconds. */
export function startCatchUp(rt: Pick<Runtime, "store" | "queue" | "logger" | "config">): CatchUp {
  const apps = Object.values(rt.config.apps);
  const started = Promise.all(apps.map((app) => catchUpApp(rt, app))).then(() => undefined);
  const timers = apps
    .filter((app) => app.poll)
    .map((app) => {
      let busy = false;
      const t = setInterval(
        () => {
          if (busy) return;
          busy = true;
          void catchUpApp(rt, app).finally(() => {
            busy = false;
          });
        },
        (app.poll as number) * 1000,
      );
      t.unref();
      return t;
    });
  return {
    started,
    stop: () => {
      for (const t of timers) clearInterval(t);
    },
  };
}
