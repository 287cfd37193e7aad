import type { ReportView } from "./outbox.js";

/** Statuses a deployment never leaves. */
export const FINISHED = [
  "succeeded",
  "failed",
  "superseded",
  "cancelled",
  "interrupted",
  /** Nothing to deploy: a skip marker, a stale push, or no changed file matched the app's paths. Nothing changed. */
  "skipped",
] as const;

export const DEPLOYMENT_STATUSES = [
  "queued",
  "running",
  /** Held until a person approves it (`approve: true`); the queue never starts it before that. */
  "waiting",
  ...FINISHED,
] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

export function isFinished(status: DeploymentStatus): boolean {
  return (FINISHED as readonly DeploymentStatus[]).includes(status);
}

export const TRIGGERS = ["push", "manual", "rollback", "recovery", "catch-up"] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const STEP_STATUSES = ["running", "succeeded", "failed", "skipped", "interrupted"] as const;

export interface Step {
  name: string;
  status: (typeof STEP_STATUSES)[number];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  detail: string | null;
}

export interface Deployment {
  id: string;
  app: string;
  status: DeploymentStatus;
  trigger: Trigger;
  actor: string | null;
  sha: string;
  ref: string | null;
  branch: string | null;
  previousSha: string | null;
  deliveryId: string | null;
  rebuilt: string[];
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  steps?: Step[];
  /** Its commit statuses, forge deployments and notifications (GET /api/deployments/:id). */
  reports?: ReportView[];
}

export interface NewDeployment {
  app: string;
  trigger: Trigger;
  actor?: string | undefined;
  sha: string;
  ref?: string | undefined;
  branch?: string | undefined;
  deliveryId?: string | undefined;
  /** `waiting` holds it for approval; default `queued`. */
  status?: "queued" | "waiting";
}
