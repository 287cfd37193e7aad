import type { Logger } from "pino";
import type { ComposeTarget } from "../config/app-compose.js";
import type { Timeouts } from "../config/schema.js";
import type { AppConfig, Config } from "../config/types.js";
import type { ComposeCli, ComposeService } from "../runners/compose.js";
import type { RunOptions } from "../runners/exec.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { LogSink } from "../store/logs.js";
import type { Deployment } from "../store/types.js";
import type { PlannedRebuild } from "./plan.js";

/** Everything a step may use, and what earlier steps found out. */
export interface DeployContext {
  readonly deployment: Deployment;
  readonly app: AppConfig;
  readonly config: Config;
  readonly store: DeploymentStore;
  readonly compose: ComposeCli;
  readonly log: LogSink;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** The branch the checkout is kept on. */
  branch: string;
  /** Commit the checkout was on before this deployment touched it. */
  previousSha?: string;
  /** Set once the checkout has moved, so a failure knows to move it back. */
  checkoutMoved?: boolean;
  /** Set once a build has started, so a failure knows image tags may point at unvetted builds. */
  imagesTouched?: boolean;
  /** When the running step must be done by (epoch ms); every command of the step shares it. */
  deadline?: number;
  /** The running step's configured timeout in seconds, for the timeout message. */
  stepTimeout?: number;
  /** Set once `up` has started, so a failure knows containers may have changed. */
  containersTouched?: boolean;
  /** Set while rolling back after a failure; the failed deployment's own record must not change. */
  recovering?: boolean;
  target?: ComposeTarget;
  services?: ComposeService[];
  rebuild?: PlannedRebuild[];
}

/**
 * Run options for a command of this deployment: its checkout, its log, its cancel signal, and what is
 * left of its step's timeout (a step's commands share one budget). Outside a step, `timeout` applies.
 */
export function runOptions(ctx: DeployContext, step: string, timeout: keyof Timeouts): RunOptions & { cwd: string } {
  const seconds = ctx.deadline ? (ctx.stepTimeout ?? 0) : ctx.app.timeouts[timeout];
  const timeoutMs = ctx.deadline ? Math.max(1, ctx.deadline - Date.now()) : seconds * 1000;
  return {
    cwd: ctx.app.path,
    step,
    timeoutMs,
    timeoutSeconds: seconds,
    signal: ctx.signal,
    log: ctx.log,
    onProcessGroup: (pgid) => ctx.store.setPgid(ctx.deployment.id, pgid),
  };
}
