import { StepFailed } from "../errors.js";
import { run } from "../runners/exec.js";
import type { DeployContext } from "./context.js";
import { runOptions } from "./context.js";

/** Runs the app's configured argv hooks in its checkout; the first failure stops the deployment. */
async function runHooks(ctx: DeployContext, kind: "preDeploy" | "postDeploy"): Promise<string> {
  const hooks = ctx.app.hooks[kind];
  if (hooks.length === 0) return "skipped: none configured";
  const env = {
    DEPLOYER_APP: ctx.app.name,
    DEPLOYER_SHA: ctx.deployment.sha,
    DEPLOYER_PREVIOUS_SHA: ctx.previousSha ?? "",
    DEPLOYER_REF: ctx.deployment.ref ?? `refs/heads/${ctx.branch}`,
    DEPLOYER_DEPLOYMENT_ID: ctx.deployment.id,
  };
  for (const [cmd, ...args] of hooks) {
    if (!cmd) continue;
    const r = await run(cmd, args, { ...runOptions(ctx, kind, "hooks"), env });
    if (r.exitCode !== 0) throw new StepFailed(kind, `${kind} hook \`${cmd} ${args.join(" ")}\` exited ${r.exitCode}`);
  }
  return `${hooks.length} hook(s) ran`;
}

export const preDeploy = (ctx: DeployContext) => runHooks(ctx, "preDeploy");
export const postDeploy = (ctx: DeployContext) => runHooks(ctx, "postDeploy");
