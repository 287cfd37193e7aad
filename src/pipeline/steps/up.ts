import * as compose from "../../runners/compose.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";

/** `up -d --remove-orphans`: Compose recreates exactly the containers whose image or config changed. */
export async function up(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target } = need(found, "plan", "up");
  ctx.touched.add("containers");
  await compose.up(ctx.compose, target, engineOptions(ctx, "up"));
  return {};
}
