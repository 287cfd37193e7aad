import { resolveHealthUrl } from "../../config/hosts.js";
import type { StepContext } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";
import { waitForUrl } from "../wait-healthy.js";
import { waitForStack } from "../wait-stack.js";

/**
 * Swarm: waits until every service of the stack has converged on its new image (tasks running, healthy
 * where a healthcheck exists, none failing, no update paused or rolled back), then for the app's health
 * URL, if it has one. Bounded by the app's health timeout.
 */
export async function stackHealth(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const stack = need(found, "stack", "health");
  const checked = [await waitForStack(ctx, stack, "health")];
  const hc = ctx.app.healthcheck;
  if (hc) checked.push(await waitForUrl(ctx, "health", resolveHealthUrl(hc.url, ctx.host), hc.expect, hc.timeout));
  return { detail: checked.join("; ") };
}
