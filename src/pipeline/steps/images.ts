import type { StepContext } from "../context.js";
import { restoreImages } from "../images.js";
import { resolveServices } from "../services.js";
import type { StepOutcome } from "../step.js";
import { buildServices } from "./build.js";
import { restoreFromRegistry } from "./pull.js";

/**
 * Rollback reuses the images tagged for the commit; with a registry, a service whose tag is gone gets
 * the commit's pushed image (pulled if need be); only a service with neither gets built.
 */
export async function images(ctx: StepContext): Promise<StepOutcome> {
  const { target, services } = await resolveServices(ctx, "images");
  ctx.touched.add("images");
  const sha = ctx.deployment.sha;
  const untagged = await restoreImages(ctx, services, sha);
  const pulled = await restoreFromRegistry(
    ctx,
    target.project,
    services.filter((s) => untagged.includes(s.name)),
    sha,
  );
  const missing = untagged.filter((name) => !pulled.includes(name));
  const rebuild = missing.map((service) => ({ service, reasons: ["no image kept for this commit"] }));
  if (!ctx.recovering) ctx.store.update(ctx.deployment.id, { rebuilt: missing });
  if (missing.length > 0)
    await buildServices(
      ctx,
      target,
      services.filter((s) => missing.includes(s.name)),
    );
  const from = pulled.length ? `; ${pulled.join(", ")} from ${ctx.app.registry}` : "";
  return {
    detail: (missing.length ? `rebuilt ${missing.join(", ")} (no kept image)` : "reused kept images") + from,
    found: { plan: { target, services, rebuild } },
  };
}
