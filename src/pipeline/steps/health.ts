import { setTimeout as sleep } from "node:timers/promises";
import { Cancelled, StepFailed } from "../../errors.js";
import { containerIds } from "../../runners/compose.js";
import { inspectContainers } from "../../runners/docker.js";
import { probe } from "../../runners/http.js";
import type { StepContext } from "../context.js";
import { runOptions } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";

const POLL_MS = 500;

/**
 * After `up`: waits for every container with a Docker healthcheck to be healthy,
 * then for the app's health URL to answer with the expected status.
 */
export async function health(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target } = need(found, "plan", "health");
  const opts = runOptions(ctx, "health");
  const deadline = Date.now() + opts.timeoutMs;
  const checked: string[] = [];

  const ids = await containerIds(ctx.compose, target, opts);
  // A container that crashed at start (or loops restarting) is a failed deploy, health check or not.
  // One that exited 0 is a finished one-shot job.
  const crashed = (await inspectContainers(ids, opts)).find(
    (s) => !s.oneOff && (s.restarting || (!s.running && s.exitCode !== 0)),
  );
  if (crashed) {
    throw new StepFailed(
      "health",
      `health check failed: container ${crashed.name} ${crashed.restarting ? "keeps restarting" : `exited with code ${crashed.exitCode}`}`,
    );
  }
  for (;;) {
    const states = (await inspectContainers(ids, opts)).filter((s) => s.health !== undefined);
    if (states.length === 0) break;
    const bad = states.find((s) => s.health === "unhealthy");
    if (bad) throw new StepFailed("health", `health check failed: container ${bad.name} is unhealthy`);
    if (states.every((s) => s.health === "healthy")) {
      checked.push(`${states.length} container healthcheck(s) healthy`);
      break;
    }
    const starting = states.filter((s) => s.health !== "healthy").map((s) => s.name);
    await wait(ctx, deadline, `container ${starting.join(", ")} still not healthy`, opts.timeoutSeconds ?? 0);
  }

  const hc = ctx.app.healthcheck;
  if (hc) {
    const until = Math.min(deadline, Date.now() + hc.timeout * 1000);
    for (;;) {
      const answer = await probe(hc.url, hc.expect, 5000);
      if (answer.ok) {
        ctx.log.line(`health: ${hc.url} answered ${hc.expect}`);
        checked.push(`${hc.url} → ${hc.expect}`);
        break;
      }
      await wait(ctx, until, `${hc.url} ${answer.detail}`, Math.min(hc.timeout, opts.timeoutSeconds ?? hc.timeout));
    }
  }
  return checked.length > 0
    ? { detail: checked.join("; ") }
    : { detail: "skipped: no health check configured", skipped: true };
}

/** Sleeps before the next poll; past the deadline the check has failed, saying what it last saw. */
async function wait(ctx: StepContext, deadline: number, lastSeen: string, seconds: number): Promise<void> {
  if (ctx.signal.aborted) throw new Cancelled("health");
  if (Date.now() >= deadline) throw new StepFailed("health", `health check failed: ${lastSeen} after ${seconds} s`);
  await sleep(POLL_MS);
}
