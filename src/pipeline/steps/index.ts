import { appHosts, type DockerHost } from "../../config/hosts.js";
import type { AppConfig } from "../../config/types.js";
import { everyHost, onHost, rollout } from "../hosts.js";
import type { PipelineStep } from "../step.js";
import type { Strategy } from "../strategies/strategy.js";
import { build } from "./build.js";
import { filter } from "./filter.js";
import { finalize } from "./finalize.js";
import { images } from "./images.js";
import { plan } from "./plan.js";
import { postDeploy } from "./post-deploy.js";
import { preDeploy } from "./pre-deploy.js";
import { pull } from "./pull.js";
import { push } from "./push.js";
import { sync } from "./sync.js";

const SYNC: PipelineStep = { name: "sync", timeout: "git", run: sync };
const IMAGES: PipelineStep = { name: "images", timeout: "build", run: images };
const FINALIZE: PipelineStep = { name: "finalize", timeout: "git", run: finalize };
const BUILD: PipelineStep = { name: "build", timeout: "build", run: build };
const PRE_DEPLOY: PipelineStep = { name: "preDeploy", timeout: "hooks", run: preDeploy };
const POST_DEPLOY: PipelineStep = { name: "postDeploy", timeout: "hooks", run: postDeploy };
const PUSH: PipelineStep = { name: "push", timeout: "build", run: push };
const PULL: PipelineStep = { name: "pull", timeout: "build", run: pull };

/** Where an app runs: its hosts and rollout batch size; no hosts is the local engine alone. */
export interface Targets {
  hosts?: DockerHost[] | undefined;
  batch?: number | undefined;
  /** Build once, push to the app's registry, and let each host pull (not Swarm: its release pushes). */
  viaRegistry?: boolean | undefined;
}

/** The app's targets as its config says. */
export function appTargets(app: Pick<AppConfig, "hosts" | "rollout" | "registry" | "strategy">): Targets {
  return {
    hosts: appHosts(app),
    batch: app.rollout.batch,
    viaRegistry: app.registry !== undefined && app.strategy !== "swarm",
  };
}

/**
 * A push or manual deploy: the commit is synced, planned, built, and released with the app's strategy.
 * On several hosts, build and release run host by host (preDeploy once, after the first host's build),
 * and finalize tags the images in every host's engine. With a registry, the build runs once (on the
 * first host's engine) and is pushed, then each host pulls before its release.
 */
export function deploySteps(strategy: Strategy, targets: Targets = {}): PipelineStep[] {
  const { hosts, batch = 1 } = targets;
  const head: PipelineStep[] = [
    { name: "filter", timeout: "git", run: filter },
    SYNC,
    { name: "plan", timeout: "git", run: plan },
  ];
  if (targets.viaRegistry) {
    if (!hosts) return [...head, BUILD, PUSH, PRE_DEPLOY, ...strategy.release, POST_DEPLOY, FINALIZE];
    // Built and pushed once, on the first host's engine: a failure names it, and its rollback covers it.
    const first = hosts[0];
    const once = first ? [onHost(BUILD, first, "build"), onHost(PUSH, first, "push")] : [BUILD, PUSH];
    const release = rollout(PULL, strategy.release, hosts, batch);
    return [...head, ...once, PRE_DEPLOY, ...release, POST_DEPLOY, ...everyHost(FINALIZE, hosts)];
  }
  if (!hosts) return [...head, BUILD, PRE_DEPLOY, ...strategy.release, POST_DEPLOY, FINALIZE];
  const [firstBuild, ...rest] = rollout(BUILD, strategy.release, hosts, batch);
  const release = firstBuild ? [firstBuild, PRE_DEPLOY, ...rest] : rest;
  return [...head, ...release, POST_DEPLOY, ...everyHost(FINALIZE, hosts)];
}

/**
 * Back to a kept commit after a failure, on one engine: the checkout is already there, so no sync.
 * The images step takes the commit's registry image where its kept tag is gone (an app with a registry).
 */
export function restoreSteps(strategy: Strategy, containers = true): PipelineStep[] {
  return containers ? [IMAGES, ...strategy.release] : [IMAGES];
}

/** A requested rollback: hooks are skipped, kept images are reused; on several hosts, host by host. */
export function rollbackSteps(strategy: Strategy, targets: Targets = {}): PipelineStep[] {
  const { hosts, batch = 1 } = targets;
  if (!hosts) return [SYNC, ...restoreSteps(strategy), FINALIZE];
  return [SYNC, ...rollout(IMAGES, strategy.release, hosts, batch), ...everyHost(FINALIZE, hosts)];
}
