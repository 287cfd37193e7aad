import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StepFailed } from "../../errors.js";
import { composeCommands, composeOk } from "../../runners/compose.js";
import { deployStack, stackTaskIds } from "../../runners/swarm.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { registryImage, stackFile } from "../stack-file.js";
import { type Found, need, type StepOutcome } from "../step.js";

/**
 * The stack file lives in deployer's data dir, named after the app (a config key, never a payload
 * value), readable by deployer alone: `compose config` wrote the .env's values into it.
 */
function writeStackFile(ctx: StepContext, yaml: string): string {
  const dir = join(ctx.config.dataDir, "swarm");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${ctx.app.name}.yml`);
  writeFileSync(file, yaml, { mode: 0o600 });
  return file;
}

/**
 * Swarm: renders the app's compose files with `compose config` (merged, .env applied), points each built
 * service at the image the push step pushed for this commit, and runs `docker stack deploy` with that
 * file. Swarm then updates the services as their `deploy.update_config` says; the health step waits.
 */
export async function stackDeploy(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const { target, services } = need(found, "plan", "stackDeploy");
  const registry = ctx.app.registry;
  if (!registry) throw new StepFailed("stackDeploy", "internal error: stackDeploy needs the app's registry");
  const opts = engineOptions(ctx, "stackDeploy");
  const why = `cannot read compose files ${target.files.join(", ")}: `;
  const rendered = await composeOk(
    composeCommands.config(ctx.compose, target),
    "config",
    { ...opts, quiet: true },
    why,
  );
  const built = Object.fromEntries(
    services
      .filter((s) => s.build)
      .map((s) => [s.name, registryImage(registry, target.project, s.name, ctx.deployment.sha)]),
  );
  const stack = stackFile(rendered, built);
  const file = writeStackFile(ctx, stack.yaml);
  // Tasks that exist now are not this deploy's: their failures (an earlier deploy's) do not count.
  const before = await stackTaskIds(target.project, opts);
  ctx.touched.add("containers");
  await deployStack([file], target.project, opts);
  const images = Object.fromEntries(
    Object.entries(stack.images).map(([name, image]) => [`${target.project}_${name}`, image]),
  );
  return {
    detail: `stack ${target.project}: ${Object.keys(stack.images).length} service(s) from ${file}`,
    found: { stack: { project: target.project, images, before } },
  };
}
