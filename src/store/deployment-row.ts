import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Deployment, DeploymentStatus } from "./types.js";

// How a deployment is kept in SQLite, and the values the store stamps on new rows.

export interface Row {
  id: string;
  app: string;
  status: DeploymentStatus;
  trigger: Deployment["trigger"];
  actor: string | null;
  sha: string;
  ref: string | null;
  branch: string | null;
  previous_sha: string | null;
  delivery_id: string | null;
  rebuilt: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** This boot of the machine; a process group recorded in another boot is no longer ours. */
export const BOOT_ID = (() => {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "unknown";
  }
})();

/** Time-ordered, unguessable-enough id: readable in logs and sortable by creation. */
export function newDeploymentId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

export function toDeployment(r: Row): Deployment {
  return {
    id: r.id,
    app: r.app,
    status: r.status,
    trigger: r.trigger,
    actor: r.actor,
    sha: r.sha,
    ref: r.ref,
    branch: r.branch,
    previousSha: r.previous_sha,
    deliveryId: r.delivery_id,
    rebuilt: JSON.parse(r.rebuilt) as string[],
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
