import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeployContext } from "../../../src/pipeline/context.js";
import { diffBase } from "../../../src/pipeline/plan-input.js";
import type { Db } from "../../../src/store/db.js";
import type { DeploymentStore } from "../../../src/store/deployments.js";
import type { Deployment, Trigger } from "../../../src/store/types.js";
import { openMemoryStore } from "../../helpers/store.js";

const sha = (n: number) => n.toString(16).padStart(40, "0");

let db: Db;
let store: DeploymentStore;
beforeEach(() => {
  ({ db, store } = openMemoryStore());
});
afterEach(() => db.close());

/** A deployment in the given state, as the pipeline would have left it. */
function make(n: number, status: Deployment["status"], trigger: Trigger = "push", previousSha?: string): Deployment {
  const d = store.insert({ app: "shop", trigger, sha: sha(n), ref: "refs/heads/main", branch: "main" });
  if (status !== "queued") {
    store.claimNext("shop");
    if (previousSha) store.update(d.id, { previousSha });
    if (status !== "running") store.finish(d.id, status);
  }
  return store.get(d.id) as Deployment;
}

describe("diffBase", () => {
  const ctx = (d: Deployment) => ({ store, app: { name: "shop" }, deployment: d }) as unknown as DeployContext;

  it("is where the checkout was before sync, normally", () => {
    make(1, "succeeded");
    const d = make(2, "running", "push", sha(1));
    expect(diffBase(ctx(d), sha(1))).toBe(sha(1));
  });

  it("is the last succeeded commit after interrupts, even two in a row", () => {
    make(1, "succeeded");
    make(2, "interrupted", "push", sha(1));
    make(2, "interrupted", "recovery", sha(2)); // the checkout had already moved to 2
    const d = make(2, "running", "recovery", sha(2));
    expect(diffBase(ctx(d), sha(2))).toBe(sha(1));
  });
});
