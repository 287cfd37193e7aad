import { composeTarget } from "../config/app-compose.js";
import { StepFailed } from "../errors.js";
import * as composeCli from "../runners/compose.js";
import type { DeployContext } from "./context.js";
import { runOptions } from "./context.js";
import { planRebuild } from "./plan.js";
import { gatherPlanInput } from "./plan-input.js";

function target(ctx: DeployContext) {
  if (!ctx.target) throw new Error("compose target not resolved; the plan step must run first");
  return ctx.target;
}

/** Runs a Compose command; its failure becomes the step's failure, with `prefix` before Compose's message. */
async function asStep<T>(step: string, run: () => Promise<T>, prefix = ""): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof composeCli.ComposeError) throw new StepFailed(step, `${prefix}${err.message}`);
    throw err;
  }
}

/** Reads the compose files of the new commit: which services exist and which are built. */
export async function resolveServices(ctx: DeployContext, step = "plan"): Promise<void> {
  const t = composeTarget(ctx.app);
  ctx.target = t;
  ctx.services = await asStep(
    step,
    () => composeCli.services(ctx.compose, t, runOptions(ctx, step, "git")),
    `cannot read compose files ${t.files.join(", ")}: `,
  );
}

/** Decides which services to rebuild and records it on the deployment. */
export async function plan(ctx: DeployContext): Promise<string> {
  await resolveServices(ctx);
  const rebuild = planRebuild(await gatherPlanInput(ctx));
  ctx.rebuild = rebuild;
  for (const r of rebuild) ctx.log.line(`rebuild ${r.service}: ${r.reasons.join("; ")}`);
  ctx.store.update(ctx.deployment.id, { rebuilt: rebuild.map((r) => r.service) });
  const t = target(ctx);
  return `project ${t.project} (${t.files.join(", ")}); rebuild: ${rebuild.map((r) => r.service).join(", ") || "none"}`;
}

export async function build(ctx: DeployContext): Promise<string | undefined> {
  const names = (ctx.rebuild ?? []).map((r) => r.service);
  if (names.length === 0) return "skipped: nothing to rebuild";
  ctx.imagesTouched = true;
  await asStep("build", () => composeCli.build(ctx.compose, target(ctx), names, runOptions(ctx, "build", "build")));
  return `built ${names.join(", ")}`;
}

/** `up -d --remove-orphans`: Compose recreates exactly the containers whose image or config changed. */
export async function up(ctx: DeployContext): Promise<string | undefined> {
  ctx.containersTouched = true;
  await asStep("up", () => composeCli.up(ctx.compose, target(ctx), runOptions(ctx, "up", "up")));
  return undefined;
}
