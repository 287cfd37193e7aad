import { afterEach, describe, expect, it } from "vitest";
import { Cancelled, CommandTimedOut, StepFailed } from "../../../src/errors.js";
import { runSteps } from "../../../src/pipeline/run-steps.js";
import type { PipelineStep } from "../../../src/pipeline/step.js";
import { fakePipeline } from "../../helpers/pipeline.js";

let p = fakePipeline();
afterEach(() => {
  p.db.close();
  p = fakePipeline();
});

const step = (name: string, run: PipelineStep["run"]): PipelineStep => ({ name, timeout: "git", run });

describe("runSteps", () => {
  it("runs steps in order, hands each what the earlier ones found, and records each with its detail", async () => {
    const d = p.claim(1);
    const seen: unknown[] = [];
    const result = await runSteps(
      p.context(d),
      [
        step("sync", async () => ({ detail: "a → b", found: { sync: { previousSha: "a", moved: true } } })),
        step("build", async (_ctx, found) => {
          seen.push(found.sync);
          return { detail: "skipped: nothing to rebuild", skipped: true };
        }),
      ],
      p.deps,
    );
    expect(result).toEqual({ ok: true, found: { sync: { previousSha: "a", moved: true } } });
    expect(seen).toEqual([{ previousSha: "a", moved: true }]);
    expect(p.stores.steps.list(d.id).map((s) => [s.name, s.status, s.detail])).toEqual([
      ["sync", "succeeded", "a → b"],
      ["build", "skipped", "skipped: nothing to rebuild"],
    ]);
    expect(p.lines).toEqual(["== sync", "== build"]);
  });

  it("gives each step its own configured timeout as a deadline", async () => {
    const p2 = fakePipeline("apps:\n  shop: { path: /srv/shop, branch: main, timeouts: { git: 7, build: 99 } }\n");
    const d = p2.claim(1);
    const budgets: number[] = [];
    const probe = async (ctx: { deadline: number; stepSeconds: number }) => {
      budgets.push(ctx.stepSeconds);
      expect(ctx.deadline - Date.now()).toBeLessThanOrEqual(ctx.stepSeconds * 1000);
      return {};
    };
    await runSteps(
      p2.context(d),
      [
        { name: "sync", timeout: "git", run: probe },
        { name: "build", timeout: "build", run: probe },
      ],
      p2.deps,
    );
    expect(budgets).toEqual([7, 99]);
    p2.db.close();
  });

  it("stops at the first failure, turns a runner error into StepFailed of that step, and keeps what was found", async () => {
    const d = p.claim(1);
    let ranAfter = false;
    const result = await runSteps(
      p.context(d),
      [
        step("sync", async () => ({ found: { sync: { previousSha: "a", moved: false } } })),
        step("build", async () => {
          throw new CommandTimedOut("build", 5);
        }),
        step("up", async () => {
          ranAfter = true;
          return {};
        }),
      ],
      p.deps,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(StepFailed);
    expect(result.error).toMatchObject({ step: "build", message: "timed out after 5 s in build" });
    expect(result.found).toEqual({ sync: { previousSha: "a", moved: false } });
    expect(ranAfter).toBe(false);
    expect(p.stores.steps.list(d.id).map((s) => [s.name, s.status, s.detail])).toEqual([
      ["sync", "succeeded", null],
      ["build", "failed", "timed out after 5 s in build"],
    ]);
  });

  it("reports an unexpected exception as an internal error of the step", async () => {
    const d = p.claim(1);
    const result = await runSteps(
      p.context(d),
      [
        step("plan", async () => {
          throw new TypeError("x is undefined");
        }),
      ],
      p.deps,
    );
    expect(result.ok || result.error).toMatchObject({ step: "plan", message: "internal error: x is undefined" });
  });

  it("keeps a cancel a cancel, and starts no step once the signal is aborted", async () => {
    const d = p.claim(1);
    const controller = new AbortController();
    const result = await runSteps(
      p.context(d, controller.signal),
      [
        step("sync", async () => {
          controller.abort();
          return {};
        }),
        step("plan", async () => ({})),
      ],
      p.deps,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(Cancelled);
    expect(result.error.message).toBe("cancelled during plan");
    expect(p.stores.steps.list(d.id).map((s) => s.name)).toEqual(["sync"]);
  });
});
