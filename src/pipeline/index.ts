import { Cancelled, DeploySkipped } from "../errors.js";
import type { Deployment } from "../store/types.js";
import type { DeployContext } from "./context.js";
import type { PipelineDeps } from "./deps.js";
import { TAG_BRANCH } from "./fetch-ref.js";
import { recover } from "./recover.js";
import { runSteps } from "./run-steps.js";
import { appTargets, deploySteps, rollbackSteps } from "./steps/index.js";
import { strategyFor } from "./strategies/index.js";

export type { PipelineDeps } from "./deps.js";

/** Runs one claimed deployment to the end and records the outcome. */
export async function runDeployment(deps: PipelineDeps, deployment: Deployment, signal: AbortSignal): Promise<void> {
  try {
    await deploy(deps, deployment, signal);
  } finally {
    deps.logs.end(deployment.id);
  }
}

async function deploy(deps: PipelineDeps, deployment: Deployment, signal: AbortSignal): Promise<void> {
  const app = deps.config.apps[deployment.app];
  const branch = deployment.branch ?? app?.branch ?? (app?.tags ? TAG_BRANCH : undefined);
  if (!app || !branch) {
    const why = app ? "has no branch recorded" : `is for app ${deployment.app}, which is no longer configured`;
    deps.store.finish(deployment.id, "failed", `deployment ${why}`);
    return;
  }
  const log = deps.logs.sink(deployment.id);
  const strategy = strategyFor(app);
  const targets = appTargets(app);
  const { config, store, serving, compose, logger } = deps;
  const ctx: DeployContext = {
    config,
    store,
    serving,
    compose,
    logger,
    deployment,
    app,
    log,
    signal,
    branch,
    touched: new Set(),
    // Steps before the rollout (plan's image checks, the hooks) use the first host's engine.
    host: targets.hosts?.[0],
    hostTouches: new Map(),
  };
  const by = deployment.actor ? ` by ${deployment.actor}` : "";
  log.line(`deployment ${deployment.id} of ${app.name} at ${deployment.sha} (${deployment.trigger}${by})`);

  const steps = deployment.trigger === "rollback" ? rollbackSteps(strategy, targets) : deploySteps(strategy, targets);
  const result = await runSteps(ctx, steps, deps);
  if (result.ok) {
    deps.store.finish(deployment.id, result.halted ? "skipped" : "succeeded", result.halted ?? null);
    log.line(result.halted ? `deployment skipped: ${result.halted}` : "deployment succeeded");
    deps.logger.info(
      { app: app.name, deployment: deployment.id },
      `${app.name} ${deployment.id} ${result.halted ? "skipped" : "succeeded"}`,
    );
    return;
  }
  if (result.error instanceof DeploySkipped) {
    deps.store.finish(deployment.id, "skipped", result.error.message);
    log.line(`deployment ${result.error.message}`);
    return;
  }
  const status = result.error instanceof Cancelled ? "cancelled" : "failed";
  const message = result.error.message + (await recover(ctx, result.found, strategy, deps));
  deps.store.finish(deployment.id, status, message);
  log.line(`deployment ${status}: ${message}`);
  deps.logger.warn({ app: app.name, deployment: deployment.id }, `${app.name} ${deployment.id} failed: ${message}`);
}
