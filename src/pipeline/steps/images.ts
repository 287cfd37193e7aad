import type { StepContext } from "../context.js";
import { restoreImages } from "../images.js";
import { resolveServices } from "../services.js";
import type { StepOutcome } from "../step.js";
import { buildServices } from "./build.js";

/** Rollback reuses the images tagged for the commit; only a service whose image is gone gets built. */
export async function images(ctx: StepContext): Promise<StepOutcome> {
  const { target, services } = await resolveServices(ctx, "images");
  ctx.touched.add("images");
  const missing = await restoreImages(ctx, services, ctx.deployment.sha);
  const rebuild = missing.map((service) => ({ service, reasons: ["no image kept for this commit"] }));
  if (!ctx.recovering) ctx.store.update(ctx.deployment.id, { rebuilt: missing });
  if (missing.length > 0)
    await buildServices(
      ctx,
      target,
      services.filter((s) => missing.includes(s.name)),
    );
  return {
    detail: missing.length ? `rebuilt ${missing.join(", ")} (no kept image)` : "reused kept images",
    found: { plan: { target, services, rebuild } },
  };
}
