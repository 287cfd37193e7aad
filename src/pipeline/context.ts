import type { Logger } from "pino";
import type { DockerHost } from "../config/hosts.js";
import type { AppConfig, Config } from "../config/types.js";
import { processStartTime } from "../helpers/proc-start.js";
import type { ComposeCli } from "../runners/compose.js";
import { onEngine } from "../runners/docker-host.js";
import type { LogSink, RunOptions } from "../runners/exec.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { ServingStore } from "../store/serving.js";
import type { Deployment } from "../store/types.js";

/** What a failed deployment may have changed, so recovery knows what to undo. */
export type Touched = "checkout" | "images" | "containers";

/** Everything a step may use. Steps hand what they find to later steps as results, not through here. */
export interface DeployContext {
  readonly deployment: Deployment;
  readonly app: AppConfig;
  readonly config: Config;
  readonly store: DeploymentStore;
  /** Which container serves a zero-downtime app. */
  readonly serving: ServingStore;
  readonly compose: ComposeCli;
  readonly log: LogSink;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** The branch the checkout is kept on. */
  readonly branch: string;
  /** Filled in by the steps as they change things; shared by every step of the run. */
  readonly touched: Set<Touched>;
  /** Set while rolling back after a failure: the failed deployment's own record must not change. */
  readonly recovering?: boolean;
  /** The engine this step's docker and Compose commands run on; unset: the local engine (no `hosts`). */
  readonly host?: DockerHost | undefined;
  /** Multi-host apps: what each host's steps changed, by host name, so recovery rolls back exactly those. */
  readonly hostTouches?: Map<string, Set<Touched>>;
}

/** A context inside one step: its commands share the step's time budget. */
export interface StepContext extends DeployContext {
  /** When the step must be done by (epoch ms). */
  readonly deadline: number;
  /** The step's configured timeout in seconds, for the timeout message. */
  readonly stepSeconds: number;
}

/** The context for a step (or recovery action) that must finish within `seconds`. */
export function withDeadline(ctx: DeployContext, seconds: number): StepContext {
  return { ...ctx, deadline: Date.now() + seconds * 1000, stepSeconds: seconds };
}

/**
 * Run options for a command of this deployment: its checkout, its log, its cancel signal, and what is
 * left of its step's time budget. For git: docker and Compose commands use `engineOptions`.
 */
export function runOptions(ctx: StepContext, step: string): RunOptions & { cwd: string } {
  return {
    cwd: ctx.app.path,
    step,
    timeoutMs: Math.max(1, ctx.deadline - Date.now()),
    timeoutSeconds: ctx.stepSeconds,
    signal: ctx.signal,
    log: ctx.log,
    onProcessGroup: (pgid) => ctx.store.setPgid(ctx.deployment.id, pgid, pgid === null ? null : processStartTime(pgid)),
  };
}

/** Run options for a docker or Compose command (or a hook): on a multi-host app, on the step's host's engine. */
export function engineOptions(ctx: StepContext, step: string): RunOptions & { cwd: string } {
  return onEngine(runOptions(ctx, step), ctx.host);
}
