import type { AppConfig } from "../config/types.js";
import type { OutboxRow } from "../store/outbox.js";
import type { ReportEvent } from "./event.js";

/** The commit a deployment is of, as its checkout tells it (message and author may be unknown). */
export interface CommitInfo {
  sha: string;
  short: string;
  message: string | null;
  author: string | null;
}

export interface SendInput {
  row: OutboxRow;
  event: ReportEvent;
  app: AppConfig;
  /** Aborts on the per-delivery timeout and on shutdown. */
  signal: AbortSignal;
  /** The id the forge gave a deployment's forge deployment on this target, once created. */
  remoteId(deploymentId: string): string | undefined;
  commit(): Promise<CommitInfo>;
}

/** Delivers one row; returns the id the target gave what it created (a forge deployment). */
export type Send = (input: SendInput) => Promise<{ remoteId?: string } | undefined>;
