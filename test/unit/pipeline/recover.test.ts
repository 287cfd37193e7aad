import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Found } from "../../../src/pipeline/step.js";
import type { Strategy } from "../../../src/pipeline/strategies/strategy.js";
import { fakePipeline, sha } from "../../helpers/pipeline.js";

// Fake runners: recovery's git and image commands are recorded, not run.
const calls: string[] = [];
vi.mock("../../../src/runners/git.js", () => ({
  checkout: vi.fn(async (branch: string, to: string) => {
    calls.push(`checkout ${branch} ${to.slice(-2)}`);
  }),
}));
vi.mock("../../../src/pipeline/images.js", () => ({
  restoreImages: vi.fn(async (_ctx: unknown, services: { name: string }[], to: string) => {
    calls.push(`restore images ${services.map((s) => s.name).join(",")} ${to.slice(-2)}`);
    return [];
  }),
}));
vi.mock("../../../src/pipeline/services.js", () => ({
  resolveServices: vi.fn(async () => ({
    target: { project: "shop", files: ["docker-compose.yml"] },
    services: [{ name: "web", image: "shop_web", build: { context: ".", dockerfile: "Dockerfile" } }],
  })),
}));

const { recover } = await import("../../../src/pipeline/recover.js");

let p = fakePipeline();
beforeEach(() => {
  calls.length = 0;
});
afterEach(() => {
  p.db.close();
  p = fakePipeline();
});

/** A strategy whose release only records that it ran (and can be told to fail). */
function fakeStrategy(fail = false): Strategy {
  return {
    name: "fake",
    release: [
      {
        name: "up",
        timeout: "up",
        run: async (ctx, found) => {
          calls.push(`release ${ctx.deployment.sha.slice(-2)} ${found.plan?.target.project}`);
          if (fail) throw new Error("engine gone");
          return {};
        },
      },
    ],
  };
}

const planned: Found = {
  sync: { previousSha: sha(1), moved: true },
  plan: { target: { project: "shop", files: ["docker-compose.yml"] }, services: [], rebuild: [] },
};

describe("recover", () => {
  it("after containers changed, checks out the last good commit and releases it again with its images", async () => {
    p.finished(1, "succeeded");
    const d = p.claim(2);
    const ctx = p.context(d);
    for (const t of ["checkout", "images", "containers"] as const) ctx.touched.add(t);
    const note = await recover(ctx, planned, fakeStrategy(), p.deps);
    expect(note).toBe(`; rolled back to ${sha(1)}`);
    expect(calls).toEqual(["checkout main 01", "restore images web 01", "release 01 shop"]);
    // The rollback's steps are recorded on the failed deployment, which keeps its own commit.
    expect(p.stores.steps.list(d.id).map((s) => [s.name, s.status])).toEqual([
      ["images", "succeeded"],
      ["up", "succeeded"],
    ]);
    expect(p.stores.store.get(d.id)?.sha).toBe(sha(2));
    expect(p.stores.store.get(d.id)?.rebuilt).toEqual([]);
  });

  it("says so when containers changed and there is no earlier success, and still restores the checkout", async () => {
    const d = p.claim(2);
    const ctx = p.context(d);
    ctx.touched.add("checkout").add("containers");
    expect(await recover(ctx, planned, fakeStrategy(), p.deps)).toBe(
      "; no earlier successful deployment to roll back to",
    );
    expect(calls).toEqual(["checkout main 01"]);
  });

  it("before containers changed, moves the checkout back and re-points the images of the last good commit", async () => {
    p.finished(3, "succeeded");
    const d = p.claim(4);
    const ctx = p.context(d);
    ctx.touched.add("checkout").add("images");
    const found: Found = { ...planned, plan: { ...planned.plan!, services: [{ name: "api", image: "shop_api" }] } };
    expect(await recover(ctx, found, fakeStrategy(), p.deps)).toBe("");
    expect(calls).toEqual(["checkout main 01", "restore images api 03"]);
  });

  it("resolves the services itself when the failure came before plan found them", async () => {
    p.finished(3, "succeeded");
    const ctx = p.context(p.claim(4));
    ctx.touched.add("images");
    await recover(ctx, {}, fakeStrategy(), p.deps);
    expect(calls).toEqual(["restore images web 03"]);
  });

  it("touches nothing when nothing was touched", async () => {
    p.finished(1, "succeeded");
    expect(await recover(p.context(p.claim(2)), planned, fakeStrategy(), p.deps)).toBe("");
    expect(calls).toEqual([]);
  });

  it("reports a rollback that fails instead of throwing", async () => {
    p.finished(1, "succeeded");
    const ctx = p.context(p.claim(2));
    ctx.touched.add("containers");
    expect(await recover(ctx, planned, fakeStrategy(true), p.deps)).toBe(
      "; recovery failed: internal error: engine gone",
    );
  });

  it("runs to the end even when the deployment was cancelled", async () => {
    p.finished(1, "succeeded");
    const controller = new AbortController();
    controller.abort();
    const ctx = p.context(p.claim(2), controller.signal);
    ctx.touched.add("containers");
    expect(await recover(ctx, planned, fakeStrategy(), p.deps)).toBe(`; rolled back to ${sha(1)}`);
  });
});
