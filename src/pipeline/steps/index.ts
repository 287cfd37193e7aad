import type { PipelineStep } from "../step.js";
import type { Strategy } from "../strategies/strategy.js";
import { build } from "./build.js";
import { filter } from "./filter.js";
import { finalize } from "./finalize.js";
import { images } from "./images.js";
import { plan } from "./plan.js";
import { postDeploy } from "./post-deploy.js";
import { preDeploy } from "./pre-deploy.js";
import { sync } from "./sync.js";

const SYNC: PipelineStep = { name: "sync", timeout: "git", run: sync };
const IMAGES: PipelineStep = { name: "images", timeout: "build", run: images };
const FINALIZE: PipelineStep = { name: "finalize", timeout: "git", run: finalize };

/** A push or manual deploy: the commit is synced, planned, built, and released with the app's strategy. */
export function deploySteps(strategy: Strategy): PipelineStep[] {
  return [
    { name: "filter", timeout: "git", run: filter },
    SYNC,
    { name: "plan", timeout: "git", run: plan },
    { name: "build", timeout: "build", run: build },
    { name: "preDeploy", timeout: "hooks", run: preDeploy },
    ...strategy.release,
    { name: "postDeploy", timeout: "hooks", run: postDeploy },
    FINALIZE,
  ];
}

/** Back to a kept commit after a failure: the checkout is already there, so no sync, and no bookkeeping. */
export function restoreSteps(strategy: Strategy): PipelineStep[] {
  return [IMAGES, ...strategy.release];
}

/** A requested rollback: hooks are skipped, kept images are reused. */
export function rollbackSteps(strategy: Strategy): PipelineStep[] {
  return [SYNC, ...restoreSteps(strategy), FINALIZE];
}
