import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../src/config/load.js";
import type { PipelineStep } from "../../../../src/pipeline/step.js";
import { appTargets, deploySteps, restoreSteps, rollbackSteps } from "../../../../src/pipeline/steps/index.js";
import { recreate } from "../../../../src/pipeline/strategies/recreate.js";
import { zeroDowntime } from "../../../../src/pipeline/strategies/zero-downtime.js";
import { fakePipeline } from "../../../helpers/pipeline.js";

const A = { name: "a", env: {} };
const B = { name: "b", dockerHost: "unix:///run/b.sock", env: {} };
const names = (steps: PipelineStep[]) => steps.map((s) => s.name);
const app = (yaml: string) =>
  parseConfig(`apps:\n  shop:\n    path: /srv/shop\n${yaml}`, "/t/deployer.yml", { env: {}, checkPaths: false }).apps
    .shop!;

describe("an app's targets", () => {
  it("builds once through the registry when one is set, except under Swarm (whose release pushes)", () => {
    expect(appTargets(app(""))).toEqual({ hosts: undefined, batch: 1, viaRegistry: false });
    expect(appTargets(app("    registry: r:5000\n    hosts: [{ name: a }]\n    rollout: { batch: 2 }\n"))).toEqual({
      hosts: [{ name: "a", dockerHost: undefined, context: undefined, env: {} }],
      batch: 2,
      viaRegistry: true,
    });
    expect(appTargets(app("    strategy: swarm\n    registry: r:5000\n")).viaRegistry).toBe(false);
  });
});

describe("build once, push, pull on each host", () => {
  it("builds and pushes once, then pulls, releases and health-checks host by host", () => {
    expect(names(deploySteps(recreate, { hosts: [A, B], viaRegistry: true }))).toEqual([
      "filter",
      "sync",
      "plan",
      "build",
      "push",
      "preDeploy",
      "pull@a",
      "up@a",
      "health@a",
      "pull@b",
      "up@b",
      "health@b",
      "postDeploy",
      "finalize@a",
      "finalize@b",
    ]);
  });

  it("builds and pushes on the first host's engine, and a failure there names that host", async () => {
    const p = fakePipeline();
    try {
      const ctx = { ...p.context(p.claim(2)), hostTouches: new Map(), deadline: Date.now() + 1000, stepSeconds: 1 };
      const steps = deploySteps(recreate, { hosts: [B, A], viaRegistry: true });
      for (const name of ["build", "push"]) {
        const step = steps.find((s) => s.name === name)!;
        await expect(step.run(ctx, {})).rejects.toThrow(
          new RegExp(`^on host b \\(unix:///run/b\\.sock\\): internal error: ${name} needs the plan step`),
        );
      }
    } finally {
      p.db.close();
    }
  });

  it("pulls a batch's hosts together before releasing them", () => {
    const C = { name: "c", env: {} };
    const steps = names(deploySteps(recreate, { hosts: [A, B, C], batch: 2, viaRegistry: true }));
    expect(steps.slice(steps.indexOf("preDeploy") + 1, steps.indexOf("postDeploy"))).toEqual([
      "pull@a",
      "pull@b",
      "up@a",
      "up@b",
      "health@a",
      "health@b",
      "pull@c",
      "up@c",
      "health@c",
    ]);
  });

  it("on the local engine alone, pushes after the build and releases the built image as today", () => {
    expect(names(deploySteps(recreate, { viaRegistry: true }))).toEqual([
      "filter",
      "sync",
      "plan",
      "build",
      "push",
      "preDeploy",
      "up",
      "health",
      "postDeploy",
      "finalize",
    ]);
    expect(names(deploySteps(zeroDowntime, { viaRegistry: true })).slice(3, 9)).toEqual([
      "build",
      "push",
      "preDeploy",
      "start",
      "health",
      "switch",
    ]);
  });

  it("rolls back with the images step, which takes the registry's image where a kept tag is gone", () => {
    expect(names(rollbackSteps(recreate, { hosts: [A, B], viaRegistry: true }))).toEqual([
      "sync",
      "images@a",
      "up@a",
      "health@a",
      "images@b",
      "up@b",
      "health@b",
      "finalize@a",
      "finalize@b",
    ]);
    expect(names(restoreSteps(recreate))).toEqual(["images", "up", "health"]);
  });
});
