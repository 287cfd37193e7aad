import type { ComposeTarget } from "../../config/app-compose.js";
import * as compose from "../../runners/compose.js";
import { buildImage, imageExists } from "../../runners/docker.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { type Found, need, type StepOutcome } from "../step.js";

/**
 * Builds the given services; their image tags now point at unvetted builds until health passes.
 * A plain build (context, Dockerfile, args, target) runs `docker build` itself, which is what Compose
 * would run, without Compose's start-up time; anything else is left to `compose build`.
 */
export async function buildServices(
  ctx: StepContext,
  target: ComposeTarget,
  services: compose.ComposeService[],
): Promise<void> {
  ctx.touched.add("images");
  const opts = engineOptions(ctx, "build");
  const viaCompose: string[] = [];
  for (const s of services) {
    if (s.build?.plain) await buildImage(s.image, s.build, opts);
    else viaCompose.push(s.name);
  }
  if (viaCompose.length > 0) await compose.build(ctx.compose, target, viaCompose, opts);
}

/**
 * Builds the services the plan chose; nothing else. On one of several hosts, also those whose image
 * this host's engine lacks (a host added later, or one whose images were pruned by hand).
 */
export async function build(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, services, rebuild } = need(found, "plan", "build");
  const names = rebuild.map((r) => r.service);
  if (ctx.host) {
    const opts = engineOptions(ctx, "build");
    for (const s of services.filter((s) => s.build && !names.includes(s.name))) {
      if (!(await imageExists(s.image, opts))) names.push(s.name);
    }
  }
  if (names.length === 0) return { detail: "skipped: nothing to rebuild", skipped: true };
  await buildServices(
    ctx,
    target,
    services.filter((s) => names.includes(s.name)),
  );
  return { detail: `built ${names.join(", ")}` };
}
