import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../src/store/db.js";
import type { Stores } from "../../../src/store/stores.js";
import { openMemoryStore } from "../../helpers/store.js";

let db: Db;
let stores: Stores;
beforeEach(() => {
  ({ db, ...stores } = openMemoryStore());
});
afterEach(() => db.close());

describe("StepStore", () => {
  it("records steps in order with durations", () => {
    const d = stores.store.insert({ app: "shop", trigger: "push", sha: "1".repeat(40) });
    stores.steps.start(d.id, "sync");
    stores.steps.finish(d.id, "sync", "succeeded", 12);
    stores.steps.start(d.id, "build");
    expect(stores.steps.list(d.id)).toMatchObject([
      { name: "sync", status: "succeeded", durationMs: 12 },
      { name: "build", status: "running", durationMs: null, finishedAt: null },
    ]);
  });

  it("finishes the latest run of a step that ran twice (a rollback repeats up and health)", () => {
    const d = stores.store.insert({ app: "shop", trigger: "push", sha: "1".repeat(40) });
    stores.steps.start(d.id, "up");
    stores.steps.finish(d.id, "up", "failed", 5, "boom");
    stores.steps.start(d.id, "up");
    stores.steps.finish(d.id, "up", "succeeded", 7);
    expect(stores.steps.list(d.id).map((s) => [s.status, s.durationMs])).toEqual([
      ["failed", 5],
      ["succeeded", 7],
    ]);
  });

  it("removes the steps of the given deployments only", () => {
    const a = stores.store.insert({ app: "shop", trigger: "push", sha: "1".repeat(40) });
    const b = stores.store.insert({ app: "shop", trigger: "push", sha: "2".repeat(40) });
    stores.steps.start(a.id, "sync");
    stores.steps.start(b.id, "sync");
    stores.steps.remove([a.id]);
    expect(stores.steps.list(a.id)).toEqual([]);
    expect(stores.steps.list(b.id)).toHaveLength(1);
  });
});
