import { setTimeout as sleep } from "node:timers/promises";
import { Cancelled, StepFailed } from "../errors.js";
import { type ContainerState, inspectContainers } from "../runners/docker.js";
import { probe } from "../runners/http.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";

// Often enough that a new container takes traffic soon after it can; cheap (one inspect or one GET).
const POLL_MS = 200;

/**
 * Fails at once if a container crashed or keeps restarting, then waits for every container with a Docker
 * healthcheck to be healthy. Returns what was checked, or undefined when no container has a healthcheck.
 */
export async function waitForContainers(ctx: StepContext, ids: string[], step: string): Promise<string | undefined> {
  const opts = engineOptions(ctx, step);
  // A container that crashed at start (or loops restarting) is a failed deploy, health check or not.
  // One that exited 0 is a finished one-shot job.
  // A container created by this deployment that Docker already restarted is crash-looping, even if it is
  // caught running between two restarts.
  const since = Date.parse(ctx.deployment.startedAt ?? ctx.deployment.createdAt) - 1000;
  const looping = (s: ContainerState) => s.restarting || (s.restartCount > 0 && Date.parse(s.created) >= since);
  const crashed = (await inspectContainers(ids, opts)).find(
    (s) => !s.oneOff && (looping(s) || (!s.running && s.exitCode !== 0)),
  );
  if (crashed) {
    const how = looping(crashed) ? "keeps restarting" : `exited with code ${crashed.exitCode}`;
    throw new StepFailed(step, `health check failed: container ${crashed.name} ${how}`);
  }
  for (;;) {
    const states = (await inspectContainers(ids, opts)).filter((s) => s.health !== undefined);
    if (states.length === 0) return undefined;
    const bad = states.find((s) => s.health === "unhealthy");
    if (bad) throw new StepFailed(step, `health check failed: container ${bad.name} is unhealthy`);
    if (states.every((s) => s.health === "healthy")) return `${states.length} container healthcheck(s) healthy`;
    const starting = states.filter((s) => s.health !== "healthy").map((s) => s.name);
    await wait(ctx, step, ctx.deadline, `container ${starting.join(", ")} still not healthy`, ctx.stepSeconds);
  }
}

/** Polls `url` until it answers `expect` (any status below 500 when `expect` is undefined). */
export async function waitForUrl(
  ctx: StepContext,
  step: string,
  url: string,
  expect: number | undefined,
  timeoutSeconds: number,
): Promise<string> {
  const until = Math.min(ctx.deadline, Date.now() + timeoutSeconds * 1000);
  for (;;) {
    const answer = await probe(url, expect, 5000);
    if (answer.ok) {
      ctx.log.line(`health: ${url} answered ${answer.status}`);
      return `${url} → ${answer.status}`;
    }
    await wait(ctx, step, until, `${url} ${answer.detail}`, Math.min(timeoutSeconds, ctx.stepSeconds));
  }
}

/** Sleeps before the next poll; past the deadline the check has failed, saying what it last saw. */
async function wait(
  ctx: StepContext,
  step: string,
  deadline: number,
  lastSeen: string,
  seconds: number,
): Promise<void> {
  if (ctx.signal.aborted) throw new Cancelled(step);
  if (Date.now() >= deadline) throw new StepFailed(step, `health check failed: ${lastSeen} after ${seconds} s`);
  await sleep(POLL_MS);
}
