import { StepFailed } from "../errors.js";
import { run } from "../runners/exec.js";
import type { StepContext } from "./context.js";
import { engineOptions } from "./context.js";
import type { Found, StepOutcome } from "./step.js";

/** Runs the app's configured argv hooks in its checkout; the first failure stops the deployment. */
export async function runHooks(
  ctx: StepContext,
  found: Readonly<Found>,
  kind: "preDeploy" | "postDeploy",
): Promise<StepOutcome> {
  const hooks = ctx.app.hooks[kind];
  if (hooks.length === 0) return { detail: "skipped: none configured", skipped: true };
  const env = {
    DEPLOYER_APP: ctx.app.name,
    DEPLOYER_SHA: ctx.deployment.sha,
    DEPLOYER_PREVIOUS_SHA: found.sync?.previousSha ?? "",
    DEPLOYER_REF: ctx.deployment.ref ?? `refs/heads/${ctx.branch}`,
    DEPLOYER_DEPLOYMENT_ID: ctx.deployment.id,
  };
  for (const [cmd, ...args] of hooks) {
    if (!cmd) continue;
    const opts = engineOptions(ctx, kind);
    const r = await run(cmd, args, { ...opts, env: { ...opts.env, ...env } });
    if (r.exitCode !== 0) throw new StepFailed(kind, `${kind} hook \`${cmd} ${args.join(" ")}\` exited ${r.exitCode}`);
  }
  return { detail: `${hooks.length} hook(s) ran` };
}
