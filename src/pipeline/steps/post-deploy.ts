import type { StepContext } from "../context.js";
import { runHooks } from "../run-hooks.js";
import type { Found, StepOutcome } from "../step.js";

/** Once the new version is healthy; a failure here rolls back like any other. */
export const postDeploy = (ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> =>
  runHooks(ctx, found, "postDeploy");
