import type { Deployment } from "../store/types.js";

/** Outcomes a report or notification speaks of, in the words of `notify[].on`. */
export type Outcome =
  | "queued"
  | "running"
  | "succeeded"
  | "failed"
  | "rolledBack"
  | "cancelled"
  | "superseded"
  | "skipped"
  | "interrupted";

/** Outcomes after which nothing more is reported for a deployment. */
export const FINAL_OUTCOMES: readonly Outcome[] = [
  "succeeded",
  "failed",
  "rolledBack",
  "cancelled",
  "superseded",
  "skipped",
  "interrupted",
];

/**
 * A deployment's state change, as stored in its outbox rows (and sent, with `commit`, as the generic
 * webhook's body: see README "Notifications").
 */
export interface ReportEvent {
  app: string;
  deploymentId: string;
  outcome: Outcome;
  trigger: Deployment["trigger"];
  sha: string;
  ref: string | null;
  branch: string | null;
  actor: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  /** The deployment's page on the dashboard; null when neither `publicUrl` nor `url` is configured. */
  link: string | null;
  environment: string;
  /** Where the deployed app answers (report.url or the healthcheck URL). */
  environmentUrl: string | null;
  /** The step that failed, with the last lines of the deployment's log. */
  failedStep: { name: string; detail: string | null; log: string[] } | null;
}

/** What a deployment's status says happened; undefined for a status nothing is reported about (waiting). */
export function outcomeOf(d: Deployment): Outcome | undefined {
  switch (d.status) {
    case "waiting":
      return undefined;
    case "succeeded":
      return d.trigger === "rollback" ? "rolledBack" : "succeeded";
    case "failed":
      return d.error?.includes("; rolled back to ") ? "rolledBack" : "failed";
    default:
      return d.status;
  }
}

/** Whether an outcome is a success for the forge (its commit status and deployment). */
export function isSuccess(o: Outcome, e: Pick<ReportEvent, "trigger">): boolean {
  return o === "succeeded" || o === "skipped" || (o === "rolledBack" && e.trigger === "rollback");
}
