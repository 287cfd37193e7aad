import { type ComposeTarget, composeTarget } from "../config/app-compose.js";
import type { ComposeService } from "../runners/compose.js";
import { services as readServices } from "../runners/compose-config.js";
import type { StepContext } from "./context.js";
import { runOptions } from "./context.js";

/** Reads the compose files of the checked-out commit: which services exist and which are built. */
export async function resolveServices(
  ctx: StepContext,
  step: string,
): Promise<{ target: ComposeTarget; services: ComposeService[] }> {
  const target = composeTarget(ctx.app);
  const services = await readServices(ctx.compose, target, runOptions(ctx, step));
  return { target, services };
}
