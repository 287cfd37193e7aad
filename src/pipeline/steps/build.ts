import type { ComposeTarget } from "../../config/app-compose.js";
import * as compose from "../../runners/compose.js";
import type { StepContext } from "../context.js";
import { runOptions } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";

/** Builds the named services; their image tags now point at unvetted builds until health passes. */
export async function buildServices(ctx: StepContext, target: ComposeTarget, names: string[]): Promise<void> {
  ctx.touched.add("images");
  await compose.build(ctx.compose, target, names, runOptions(ctx, "build"));
}

/** Builds the services the plan chose; nothing else. */
export async function build(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, rebuild } = need(found, "plan", "build");
  const names = rebuild.map((r) => r.service);
  if (names.length === 0) return { detail: "skipped: nothing to rebuild", skipped: true };
  await buildServices(ctx, target, names);
  return { detail: `built ${names.join(", ")}` };
}
