import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Found, PipelineStep } from "../../../src/pipeline/step.js";
import type { Strategy } from "../../../src/pipeline/strategies/strategy.js";
import { fakePipeline, sha } from "../../helpers/pipeline.js";

// Fake runners: recovery's git and image commands are recorded, with the host they ran on.
const calls: string[] = [];
vi.mock("../../../src/runners/git.js", () => ({
  checkout: vi.fn(async (_branch: string, to: string) => {
    calls.push(`checkout ${to.slice(-2)}`);
  }),
}));
vi.mock("../../../src/pipeline/images.js", () => ({
  restoreImages: vi.fn(async (ctx: { host?: { name: string } }, _services: unknown, to: string) => {
    calls.push(`images ${to.slice(-2)}@${ctx.host?.name}`);
    return [];
  }),
}));
vi.mock("../../../src/pipeline/services.js", () => ({
  resolveServices: vi.fn(async () => ({ target: { project: "shop", files: ["c.yml"] }, services: [] })),
}));

const { recover } = await import("../../../src/pipeline/recover.js");
const { onHost, rollout } = await import("../../../src/pipeline/hosts.js");
const { deploySteps, rollbackSteps } = await import("../../../src/pipeline/steps/index.js");
const { recreate } = await import("../../../src/pipeline/strategies/recreate.js");
const { engineOptions, runOptions } = await import("../../../src/pipeline/context.js");

const YAML = `apps:
  shop:
    repo: acme/shop
    path: /srv/shop
    branch: main
    hosts:
      - { name: a }
      - { name: b, docker: "unix:///run/b.sock", env: { PORT: "8081" } }
`;
const A = { name: "a", env: {} };
const B = { name: "b", dockerHost: "unix:///run/b.sock", env: { PORT: "8081" } };

let p = fakePipeline(YAML);
beforeEach(() => {
  calls.length = 0;
});
afterEach(() => {
  p.db.close();
  p = fakePipeline(YAML);
});

/** A release that records the host it ran on, and fails on `failOn`. */
function fakeStrategy(failOn?: string): Strategy {
  const up: PipelineStep = {
    name: "up",
    timeout: "up",
    run: async (ctx) => {
      ctx.touched.add("containers");
      calls.push(`up ${ctx.deployment.sha.slice(-2)}@${ctx.host?.name}`);
      if (ctx.host?.name === failOn) throw new Error("engine gone");
      return {};
    },
  };
  return { name: "fake", release: [up] };
}

const names = (steps: PipelineStep[]) => steps.map((s) => s.name);

describe("multi-host steps", () => {
  it("without hosts, keeps today's single-engine pipeline", () => {
    expect(names(deploySteps(recreate))).toEqual([
      "filter",
      "sync",
      "plan",
      "build",
      "preDeploy",
      "up",
      "health",
      "postDeploy",
      "finalize",
    ]);
  });

  it("rolls out host by host: build, up, health on each, preDeploy after the first build, finalize on each", () => {
    expect(names(deploySteps(recreate, { hosts: [A, B] }))).toEqual([
      "filter",
      "sync",
      "plan",
      "build@a",
      "preDeploy",
      "up@a",
      "health@a",
      "build@b",
      "up@b",
      "health@b",
      "postDeploy",
      "finalize@a",
      "finalize@b",
    ]);
  });

  it("in batches, builds and releases the batch's hosts together before the next batch", () => {
    const C = { name: "c", env: {} };
    expect(names(rollout({ ...recreate.release[0]!, name: "build" }, recreate.release, [A, B, C], 2))).toEqual([
      "build@a",
      "build@b",
      "up@a",
      "up@b",
      "health@a",
      "health@b",
      "build@c",
      "up@c",
      "health@c",
    ]);
  });

  it("a requested rollback reuses kept images host by host", () => {
    expect(names(rollbackSteps(recreate, { hosts: [A, B] }))).toEqual([
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
  });

  it("a step on a host runs on its engine, names the host when it fails, and records what it touched there", async () => {
    const ctx = { ...p.context(p.claim(2)), hostTouches: new Map(), deadline: Date.now() + 1000, stepSeconds: 1 };
    const step = onHost(fakeStrategy("b").release[0]!, B);
    await expect(step.run(ctx, {})).rejects.toThrow(
      /^on host b \(unix:\/\/\/run\/b\.sock\): internal error: engine gone$/,
    );
    expect(ctx.hostTouches.get("b")).toEqual(new Set(["containers"]));
    expect(ctx.touched.has("containers")).toBe(true);
  });
});

describe("a host's engine", () => {
  it("is what docker and Compose commands (and hooks) run on; git never sees the host's variables", () => {
    const ctx = { ...p.context(p.claim(2)), host: B, deadline: Date.now() + 1000, stepSeconds: 1 };
    expect(runOptions(ctx, "sync").env).toBeUndefined();
    expect(engineOptions(ctx, "up").env).toMatchObject({ DOCKER_HOST: "unix:///run/b.sock", PORT: "8081" });
    expect(engineOptions({ ...ctx, host: undefined }, "up").env).toBeUndefined();
  });
});

describe("multi-host recovery", () => {
  const planned: Found = { sync: { previousSha: sha(1), moved: true } };

  it("rolls back every host the run changed, the last one first; a host that only got a build gets its images back", async () => {
    p.finished(1, "succeeded");
    const ctx = { ...p.context(p.claim(2)), hostTouches: new Map() };
    ctx.touched.add("containers");
    ctx.hostTouches.set("a", new Set(["images", "containers"]));
    ctx.hostTouches.set("b", new Set(["images"]));
    expect(await recover(ctx, planned, fakeStrategy(), p.deps)).toBe(`; rolled back b, a to ${sha(1)}`);
    expect(calls).toEqual(["checkout 01", "images 01@b", "images 01@a", "up 01@a"]);
  });

  it("one host that cannot be restored does not keep the others on the failed commit", async () => {
    p.finished(1, "succeeded");
    const ctx = { ...p.context(p.claim(2)), hostTouches: new Map() };
    ctx.hostTouches.set("a", new Set(["containers"]));
    ctx.hostTouches.set("b", new Set(["containers"]));
    expect(await recover(ctx, planned, fakeStrategy("b"), p.deps)).toBe(
      `; rolled back a to ${sha(1)}; recovery failed on host b (unix:///run/b.sock): internal error: engine gone`,
    );
    expect(calls).toEqual(["checkout 01", "images 01@b", "up 01@b", "images 01@a", "up 01@a"]);
  });
});
