import { setTimeout as sleep } from "node:timers/promises";
import { resolveHealthUrl } from "../../config/hosts.js";
import { containerIds } from "../../runners/compose.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import type { Found, StepOutcome } from "../step.js";
import { need } from "../step.js";
import { waitForContainers, waitForUrl } from "../wait-healthy.js";

const SETTLE_MS = 1500;

/**
 * After `up`: waits for every container with a Docker healthcheck to be healthy,
 * then for the app's health URL to answer with the expected status.
 */
export async function health(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target } = need(found, "plan", "health");
  const ids = await containerIds(ctx.compose, target, engineOptions(ctx, "health"));
  const checked = [await waitForContainers(ctx, ids, "health")];
  const hc = ctx.app.healthcheck;
  if (hc) checked.push(await waitForUrl(ctx, "health", resolveHealthUrl(hc.url, ctx.host), hc.expect, hc.timeout));
  else {
    // Nothing else watches the containers for a while: look once more, so that one that dies (or
    // restarts) a moment after starting still fails the deploy.
    await sleep(SETTLE_MS);
    await waitForContainers(ctx, ids, "health");
  }
  const detail = checked.filter(Boolean).join("; ");
  return detail ? { detail } : { detail: "skipped: no health check configured", skipped: true };
}
