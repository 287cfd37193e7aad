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

/** Reads the compose files of the new commit: which services exist and which are built. */
export async function resolveServices(ctx: DeployContext, step = "plan"): Promise<void> {
  ctx.target = composeTarget(ctx.app);
  try {
    ctx.services = await composeCli.services(ctx.compose, ctx.target, runOptions(ctx, step, "git"));
  } catch (err) {
    if (!(err instanceof composeCli.ComposeError)) throw err;
    throw new StepFailed(step, `cannot read compose files ${ctx.target.files.join(", ")}: ${(err as Error).message}`);
  }
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
  try {
    await composeCli.build(ctx.compose, target(ctx), names, runOptions(ctx, "build", "build"));
  } catch (err) {
    if (err instanceof composeCli.ComposeError) throw new StepFailed("build", err.message);
    throw err;
  }
  return `built ${names.join(", ")}`;
}

/** `up -d --remove-orphans`: Compose recreates exactly the containers whose image or config changed. */
export async function up(ctx: DeployContext): Promise<string | undefined> {
  ctx.containersTouched = true;
  try {
    await composeCli.up(ctx.compose, target(ctx), runOptions(ctx, "up", "up"));
  } catch (err) {
    if (err instanceof composeCli.ComposeError) throw new StepFailed("up", err.message);
    throw err;
  }
  return undefined;
}
