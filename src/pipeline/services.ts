import { type ComposeTarget, composeTarget } from "../config/app-compose.js";
import { checkCheckoutFile } from "../helpers/checkout-file.js";
import type { ComposeService } from "../runners/compose.js";
import { services as readServices } from "../runners/compose-config.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";

/** Reads the compose files of the checked-out commit: which services exist and which are built. */
export async function resolveServices(
  ctx: StepContext,
  step: string,
): Promise<{ target: ComposeTarget; services: ComposeService[] }> {
  const target = composeTarget(ctx.app);
  // Compose reads these itself: they must be regular files of the checkout, of a sane size.
  for (const file of target.files) checkCheckoutFile(ctx.app.path, file);
  const services = await readServices(ctx.compose, target, engineOptions(ctx, step));
  return { target, services };
}
