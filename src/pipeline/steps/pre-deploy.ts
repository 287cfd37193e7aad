import type { StepContext } from "../context.js";
import { runHooks } from "../run-hooks.js";
import type { Found, StepOutcome } from "../step.js";

/** After build, so migrations can run in the new image; before the release, so a failure changes nothing that runs. */
export const preDeploy = (ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> =>
  runHooks(ctx, found, "preDeploy");
