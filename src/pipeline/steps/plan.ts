import type { ComposeTarget } from "../../config/app-compose.js";
import type { ComposeService } from "../../runners/compose.js";
import type { StepContext } from "../context.js";
import { type PlannedRebuild, planRebuild } from "../plan.js";
import { gatherPlanInput } from "../plan-input.js";
import { resolveServices } from "../services.js";
import type { Found, StepOutcome } from "../step.js";

/** What plan found: the Compose project, its services, and which of them to rebuild. */
export interface Planned {
  target: ComposeTarget;
  services: ComposeService[];
  rebuild: PlannedRebuild[];
}

/** Decides which services to rebuild and records it on the deployment. */
export async function plan(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, services } = await resolveServices(ctx, "plan");
  const rebuild = planRebuild(await gatherPlanInput(ctx, services, found.sync?.previousSha));
  for (const r of rebuild) ctx.log.line(`rebuild ${r.service}: ${r.reasons.join("; ")}`);
  ctx.store.update(ctx.deployment.id, { rebuilt: rebuild.map((r) => r.service) });
  return {
    detail: `project ${target.project} (${target.files.join(", ")}); rebuild: ${rebuild.map((r) => r.service).join(", ") || "none"}`,
    found: { plan: { target, services, rebuild } },
  };
}
