import type { Logger } from "pino";
import { asStepFailure, Cancelled, DeploySkipped, type StepFailed } from "../errors.js";
import type { StepStore } from "../store/steps.js";
import { type DeployContext, withDeadline } from "./context.js";
import type { Found, PipelineStep } from "./step.js";

export type StepsResult =
  | { ok: true; found: Found; halted?: string }
  | { ok: false; found: Found; error: StepFailed | Cancelled };

/**
 * Runs steps in order, each within its configured timeout, recording each one. Each step gets what the
 * earlier ones found. Stops at the first failure, which it reports as a StepFailed (or Cancelled),
 * together with what was found up to then, so recovery knows where things stand.
 */
export async function runSteps(
  ctx: DeployContext,
  steps: PipelineStep[],
  deps: { steps: StepStore; logger: Logger },
): Promise<StepsResult> {
  const found: Found = {};
  const id = ctx.deployment.id;
  const where = `${ctx.app.name} ${id}`;
  for (const step of steps) {
    if (ctx.signal.aborted) return { ok: false, found, error: new Cancelled(step.name) };
    ctx.log.line(`== ${step.name}`);
    deps.steps.start(id, step.name);
    const t0 = Date.now();
    try {
      const outcome = await step.run(withDeadline(ctx, ctx.app.timeouts[step.timeout]), found);
      Object.assign(found, outcome.found);
      const ms = Date.now() - t0;
      deps.steps.finish(id, step.name, outcome.skipped ? "skipped" : "succeeded", ms, outcome.detail);
      const detail = outcome.detail ? `: ${outcome.detail}` : "";
      deps.logger.info(
        { app: ctx.app.name, deployment: id, step: step.name, ms },
        `${where} ${step.name} ok in ${(ms / 1000).toFixed(1)}s${detail}`,
      );
      if (outcome.halt) return { ok: true, found, halted: outcome.halt };
    } catch (err) {
      const error = asStepFailure(step.name, err);
      const ms = Date.now() - t0;
      const skipped = error instanceof DeploySkipped;
      deps.steps.finish(id, step.name, skipped ? "skipped" : "failed", ms, error.message);
      deps.logger.warn(
        { app: ctx.app.name, deployment: id, step: step.name, ms },
        `${where} ${step.name} ${skipped ? "ended the deployment" : "FAILED"} in ${(ms / 1000).toFixed(1)}s: ${error.message}`,
      );
      return { ok: false, found, error };
    }
  }
  return { ok: true, found };
}
