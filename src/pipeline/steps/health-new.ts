import type { StepContext } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";
import { waitForContainers, waitForUrl } from "../wait-healthy.js";

/** The health URL's path and query, asked of the new container directly instead of through the proxy. */
export function directUrl(url: string | undefined, address: string): string {
  const u = new URL(url ?? "http://x/");
  return `http://${address}${u.pathname}${u.search}`;
}

/**
 * Zero-downtime: the new container must be healthy before it takes traffic: its Docker healthcheck if it
 * has one, then the health URL asked of it directly. Without a health URL, it must answer HTTP at all.
 */
export async function healthNew(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { id, address } = need(found, "release", "health");
  const checked = [await waitForContainers(ctx, [id], "health")];
  const hc = ctx.app.healthcheck;
  const url = directUrl(hc?.url, address);
  checked.push(await waitForUrl(ctx, "health", url, hc?.expect, hc?.timeout ?? ctx.stepSeconds));
  return { detail: checked.filter(Boolean).join("; ") };
}
