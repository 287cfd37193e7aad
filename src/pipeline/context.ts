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
  /** Set once `up` has started, so a failure knows containers may have changed. */
  containersTouched?: boolean;
  /** Set while rolling back after a failure; the failed deployment's own record must not change. */
  recovering?: boolean;
  target?: ComposeTarget;
  services?: ComposeService[];
  rebuild?: PlannedRebuild[];
}

/** Run options for a command of this deployment: its checkout, its log, its cancel signal, its timeout. */
export function runOptions(ctx: DeployContext, step: string, timeout: keyof Timeouts): RunOptions & { cwd: string } {
  return {
    cwd: ctx.app.path,
    step,
    timeoutMs: ctx.app.timeouts[timeout] * 1000,
    signal: ctx.signal,
    log: ctx.log,
    onProcessGroup: (pgid) => ctx.store.setPgid(ctx.deployment.id, pgid),
  };
}
