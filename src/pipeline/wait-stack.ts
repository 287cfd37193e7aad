import { setTimeout as sleep } from "node:timers/promises";
import { Cancelled, StepFailed } from "../errors.js";
import { stackServices, stackTasks } from "../runners/swarm.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";
import type { Stacked } from "./found.js";
import { assessStack } from "./stack-verdict.js";

const POLL_MS = 500;
/**
 * How long the stack must stay converged before it counts: a task that dies a moment after starting
 * (a command that exits at once) is seen running by one look, failed by the next.
 */
export const SETTLE_MS = 3000;

/**
 * Polls the stack until every service has converged on its new image and stayed so for SETTLE_MS; fails
 * at once when a new task fails or Swarm pauses or rolls back an update, and at the step's deadline
 * (the app's health timeout) saying what it last waited for.
 */
export async function waitForStack(ctx: StepContext, stack: Stacked, step: string): Promise<string> {
  const opts = engineOptions(ctx, step);
  const before = new Set(stack.before);
  let since: number | undefined;
  let lastWhy = "";
  for (;;) {
    if (ctx.signal.aborted) throw new Cancelled(step);
    const services = await stackServices(stack.project, opts);
    const verdict = assessStack(stack.images, services, await stackTasks(stack.project, opts), before);
    if (verdict.kind === "failed") throw new StepFailed(step, `health check failed: ${verdict.why}`);
    if (verdict.kind === "converged") {
      since ??= Date.now();
      if (Date.now() - since >= SETTLE_MS) {
        ctx.log.line(`health: ${verdict.detail}`);
        return verdict.detail;
      }
    } else {
      since = undefined;
      if (verdict.why !== lastWhy) ctx.log.line(`health: waiting: ${verdict.why}`);
      lastWhy = verdict.why;
    }
    if (Date.now() >= ctx.deadline)
      throw new StepFailed(
        step,
        `health check failed: stack ${stack.project} did not converge within ${ctx.stepSeconds} s: ${lastWhy || "it was still settling"}`,
      );
    await sleep(POLL_MS);
  }
}
