import { setTimeout as sleep } from "node:timers/promises";
import { Cancelled, CommandTimedOut, StepFailed } from "../errors.js";
import { containerIds } from "../runners/compose.js";
import { inspectContainers } from "../runners/docker.js";
import type { DeployContext } from "./context.js";
import { runOptions } from "./context.js";

const POLL_MS = 500;

/**
 * After `up`: waits for every container with a Docker healthcheck to be healthy,
 * then for the app's health URL to answer with the expected status.
 */
export async function health(ctx: DeployContext): Promise<string> {
  if (!ctx.target) throw new Error("compose target not resolved");
  const opts = runOptions(ctx, "health", "health");
  const deadline = Date.now() + opts.timeoutMs;
  const checked: string[] = [];

  const ids = await containerIds(ctx.compose, ctx.target, opts);
  for (;;) {
    const states = (await inspectContainers(ids, opts)).filter((s) => s.health !== undefined);
    if (states.length === 0) break;
    const bad = states.find((s) => s.health === "unhealthy");
    if (bad) throw new StepFailed("health", `health check failed: container ${bad.name} is unhealthy`);
    if (states.every((s) => s.health === "healthy")) {
      checked.push(`${states.length} container healthcheck(s) healthy`);
      break;
    }
    await wait(ctx, deadline, opts.timeoutMs);
  }

  const hc = ctx.app.healthcheck;
  if (hc) {
    const until = Math.min(deadline, Date.now() + hc.timeout * 1000);
    let last = "no answer";
    for (;;) {
      try {
        const res = await fetch(hc.url, { signal: AbortSignal.timeout(5000), redirect: "manual" });
        await res.body?.cancel();
        if (res.status === hc.expect) {
          ctx.log.line(`health: ${hc.url} answered ${res.status}`);
          checked.push(`${hc.url} → ${res.status}`);
          break;
        }
        last = `status ${res.status}, expected ${hc.expect}`;
      } catch (err) {
        last = (err as Error).message;
      }
      if (Date.now() >= until) {
        throw new StepFailed("health", `health check failed: ${hc.url} ${last} after ${hc.timeout} s`);
      }
      await wait(ctx, until, opts.timeoutMs);
    }
  }
  return checked.join("; ") || "skipped: no health check configured";
}

async function wait(ctx: DeployContext, deadline: number, timeoutMs: number): Promise<void> {
  if (ctx.signal.aborted) throw new Cancelled("health");
  if (Date.now() >= deadline) throw new CommandTimedOut("health", Math.round(timeoutMs / 1000));
  await sleep(POLL_MS);
}
