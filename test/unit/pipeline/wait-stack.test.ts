import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SwarmService, SwarmTask } from "../../../src/runners/swarm-parse.js";
import { fakePipeline } from "../../helpers/pipeline.js";

// A fake clock and fake Swarm: each look at the stack takes the next state of `looks` (the last one repeats).
let clock = 1_000_000;
let looks: SwarmTask[][] = [];
let seen = 0;
vi.mock("node:timers/promises", () => ({
  setTimeout: async (ms: number) => {
    clock += ms;
  },
}));
vi.mock("../../../src/runners/swarm.js", () => ({
  stackServices: async (): Promise<SwarmService[]> => [
    { id: "s1", name: "shop_web", image: "r/shop-web:new", replicas: 1, update: undefined },
  ],
  stackTasks: async () => looks[Math.min(seen++, looks.length - 1)] ?? [],
}));

const { waitForStack, SETTLE_MS } = await import("../../../src/pipeline/wait-stack.js");
const { withDeadline } = await import("../../../src/pipeline/context.js");

const runningNew: SwarmTask = {
  id: "t1",
  serviceId: "s1",
  slot: 1,
  image: "r/shop-web:new",
  desired: "running",
  state: "running",
  err: undefined,
};
const crashed: SwarmTask = { ...runningNew, desired: "shutdown", state: "failed", err: "task: non-zero exit (1)" };
const stack = { project: "shop", images: { shop_web: "r/shop-web:new" }, before: [] };

let p = fakePipeline();
beforeEach(() => {
  seen = 0;
  vi.spyOn(Date, "now").mockImplementation(() => clock);
});
afterEach(() => {
  vi.restoreAllMocks();
  p.db.close();
  p = fakePipeline();
});
const ctx = (seconds = 60) => withDeadline(p.context(p.claim(1)), seconds);

describe("waiting for a stack to converge", () => {
  it("returns once the stack has stayed converged for the settle time", async () => {
    looks = [[runningNew]];
    const started = clock;
    await expect(waitForStack(ctx(), stack, "health")).resolves.toBe("1 service(s) on the new image (shop_web 1/1)");
    expect(clock - started).toBeGreaterThanOrEqual(SETTLE_MS);
    expect(seen).toBeGreaterThan(2);
  });

  it("fails a task that died a moment after it was first seen running", async () => {
    looks = [[runningNew], [runningNew], [crashed]];
    await expect(waitForStack(ctx(), stack, "health")).rejects.toThrow(
      "health check failed: shop_web.1 failed: task: non-zero exit (1)",
    );
  });

  it("fails at the step's deadline, saying what it waited for", async () => {
    looks = [[{ ...runningNew, state: "starting" }]];
    await expect(waitForStack(ctx(10), stack, "health")).rejects.toThrow(
      "health check failed: stack shop did not converge within 10 s: shop_web.1 starting",
    );
    expect(p.lines).toContain("health: waiting: shop_web.1 starting");
  });
});
