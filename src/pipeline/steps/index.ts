import type { DockerHost } from "../../config/hosts.js";
import { everyHost, rollout } from "../hosts.js";
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
const BUILD: PipelineStep = { name: "build", timeout: "build", run: build };
const PRE_DEPLOY: PipelineStep = { name: "preDeploy", timeout: "hooks", run: preDeploy };
const POST_DEPLOY: PipelineStep = { name: "postDeploy", timeout: "hooks", run: postDeploy };

/** Where an app runs: its hosts and rollout batch size; no hosts is the local engine alone. */
export interface Targets {
  hosts?: DockerHost[] | undefined;
  batch?: number | undefined;
}

/**
 * A push or manual deploy: the commit is synced, planned, built, and released with the app's strategy.
 * On several hosts, build and release run host by host (preDeploy once, after the first host's build),
 * and finalize tags the images in every host's engine.
 */
export function deploySteps(strategy: Strategy, targets: Targets = {}): PipelineStep[] {
  const { hosts, batch = 1 } = targets;
  const head: PipelineStep[] = [
    { name: "filter", timeout: "git", run: filter },
    SYNC,
    { name: "plan", timeout: "git", run: plan },
  ];
  if (!hosts) return [...head, BUILD, PRE_DEPLOY, ...strategy.release, POST_DEPLOY, FINALIZE];
  const [firstBuild, ...rest] = rollout(BUILD, strategy.release, hosts, batch);
  const release = firstBuild ? [firstBuild, PRE_DEPLOY, ...rest] : rest;
  return [...head, ...release, POST_DEPLOY, ...everyHost(FINALIZE, hosts)];
}

/** Back to a kept commit after a failure, on one engine: the checkout is already there, so no sync. */
export function restoreSteps(strategy: Strategy, containers = true): PipelineStep[] {
  return containers ? [IMAGES, ...strategy.release] : [IMAGES];
}

/** A requested rollback: hooks are skipped, kept images are reused; on several hosts, host by host. */
export function rollbackSteps(strategy: Strategy, targets: Targets = {}): PipelineStep[] {
  const { hosts, batch = 1 } = targets;
  if (!hosts) return [SYNC, ...restoreSteps(strategy), FINALIZE];
  return [SYNC, ...rollout(IMAGES, strategy.release, hosts, batch), ...everyHost(FINALIZE, hosts)];
}
