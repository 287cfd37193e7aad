import type { AppConfig, Config } from "../config/types.js";
import type { LogStore } from "../store/logs.js";
import type { NewOutboxRow } from "../store/outbox.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";
import { FINAL_OUTCOMES, type Outcome, outcomeOf, type ReportEvent } from "./event.js";
import { deploymentTarget, notifyTarget, statusTarget } from "./targets.js";

/** Lines of the log a failure message quotes. */
const LOG_TAIL_LINES = 15;

export interface PlanDeps extends Pick<Stores, "store" | "steps" | "outbox"> {
  config: Config;
  logs: Pick<LogStore, "read">;
}

/** The dashboard's page of a deployment. */
export function deploymentLink(config: Pick<Config, "publicUrl" | "url">, id: string): string | null {
  const base = config.publicUrl ?? config.url;
  return base ? `${base.replace(/\/+$/, "")}/#/deployments/${encodeURIComponent(id)}` : null;
}

function failedStep(deps: PlanDeps, d: Deployment): ReportEvent["failedStep"] {
  const step = deps.steps
    .list(d.id)
    .filter((s) => s.status === "failed")
    .at(-1);
  if (!step) return null;
  const lines = deps.logs
    .read(d.id)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ""));
  return { name: step.name, detail: step.detail, log: lines.slice(-LOG_TAIL_LINES) };
}

export function eventOf(deps: PlanDeps, app: AppConfig, d: Deployment, outcome: Outcome): ReportEvent {
  const durationMs = d.startedAt && d.finishedAt ? Date.parse(d.finishedAt) - Date.parse(d.startedAt) : null;
  const failed = outcome === "failed" || outcome === "rolledBack" || outcome === "interrupted";
  return {
    app: d.app,
    deploymentId: d.id,
    outcome,
    trigger: d.trigger,
    sha: d.sha,
    ref: d.ref,
    branch: d.branch,
    actor: d.actor,
    error: d.error,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    finishedAt: d.finishedAt,
    durationMs,
    link: deploymentLink(deps.config, d.id),
    environment: app.report?.environment ?? app.name,
    environmentUrl: app.report?.url ?? app.healthcheck?.url ?? null,
    failedStep: failed ? failedStep(deps, d) : null,
  };
}

/** Forge rows: statuses at queued and at the end; deployments at queued, running and the end. */
function forgeRows(deps: PlanDeps, app: AppConfig, d: Deployment, outcome: Outcome, event: ReportEvent) {
  const rows: NewOutboxRow[] = [];
  const final = FINAL_OUTCOMES.includes(outcome);
  const add = (target: string, what: string, payload: unknown = event) =>
    rows.push({ deploymentId: d.id, app: app.name, target, event: what, payload });
  // A deployment never reported as queued (it waited for approval) gets no final forge report either.
  const started = (target: string) => deps.outbox.has(d.id, target, "queued");
  const status = statusTarget(app);
  if (outcome === "queued" || (final && started(status))) add(status, outcome);
  const deployment = deploymentTarget(app);
  if (deployment && (outcome === "queued" || ((outcome === "running" || final) && started(deployment)))) {
    add(deployment, outcome);
    // A rollback that went live retires the deployment it replaced.
    const replaced = d.trigger === "rollback" && outcome === "rolledBack" && deps.store.lastSucceeded(app.name, d.id);
    if (replaced && deps.outbox.has(replaced.id, deployment, "queued"))
      rows.push({ deploymentId: replaced.id, app: app.name, target: deployment, event: "inactive", payload: event });
  }
  return rows;
}

/** The outbox rows a deployment's new status causes (called inside the status change's transaction). */
export function planReports(deps: PlanDeps, d: Deployment): NewOutboxRow[] {
  const app = deps.config.apps[d.app];
  const outcome = outcomeOf(d);
  if (!app || !outcome || (!app.report && app.notify.length === 0)) return [];
  const event = eventOf(deps, app, d, outcome);
  const rows = app.report ? forgeRows(deps, app, d, outcome, event) : [];
  app.notify.forEach((n, i) => {
    if ((n.on as string[]).includes(outcome))
      rows.push({ deploymentId: d.id, app: app.name, target: notifyTarget(i, n.type), event: outcome, payload: event });
  });
  return rows;
}
