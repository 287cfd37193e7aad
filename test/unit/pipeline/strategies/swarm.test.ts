import { describe, expect, it } from "vitest";
import { deploySteps, restoreSteps, rollbackSteps } from "../../../../src/pipeline/steps/index.js";
import { swarm } from "../../../../src/pipeline/strategies/swarm.js";

const manager = { name: "manager", dockerHost: "unix:///run/m.sock", env: {} };

describe("the swarm strategy's steps", () => {
  it("builds, pushes, deploys the stack and waits for it, between the usual steps", () => {
    expect(deploySteps(swarm).map((s) => s.name)).toEqual([
      "filter",
      "sync",
      "plan",
      "build",
      "preDeploy",
      "push",
      "stackDeploy",
      "health",
      "postDeploy",
      "finalize",
    ]);
    expect(swarm.release.map((s) => s.timeout)).toEqual(["build", "up", "health"]);
  });

  it("runs on the swarm manager's engine when the app names it as its one host", () => {
    expect(deploySteps(swarm, { hosts: [manager] }).map((s) => s.name)).toEqual([
      "filter",
      "sync",
      "plan",
      "build@manager",
      "preDeploy",
      "push@manager",
      "stackDeploy@manager",
      "health@manager",
      "postDeploy",
      "finalize@manager",
    ]);
  });

  it("rolls back with the kept images, pushed and deployed again", () => {
    expect(restoreSteps(swarm).map((s) => s.name)).toEqual(["images", "push", "stackDeploy", "health"]);
    expect(rollbackSteps(swarm).map((s) => s.name)).toEqual([
      "sync",
      "images",
      "push",
      "stackDeploy",
      "health",
      "finalize",
    ]);
  });
});
