import type { StepContext } from "../context.js";
import { planRebuild } from "../plan.js";
import { gatherPlanInput } from "../plan-input.js";
import { resolveServices } from "../services.js";
import type { Found, StepOutcome } from "../step.js";

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
