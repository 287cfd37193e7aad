import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../src/store/db.js";
import type { DeploymentStore } from "../../../src/store/deployments.js";
import { openMemoryStore } from "../../helpers/store.js";

const sha = (n: number) => n.toString(16).padStart(40, "0");

let db: Db;
let store: DeploymentStore;
beforeEach(() => {
  ({ db, store } = openMemoryStore());
});
afterEach(() => db.close());

const queue = (app: string, n: number) => store.insert({ app, trigger: "push", sha: sha(n), ref: "refs/heads/main" });

describe("DeploymentStore", () => {
  it("inserts a queued deployment with its fields", () => {
    const d = store.insert({
      app: "shop",
      trigger: "manual",
      actor: "bob",
      sha: sha(1),
      ref: "refs/heads/main",
      branch: "main",
    });
    expect(d).toMatchObject({
      app: "shop",
      status: "queued",
      trigger: "manual",
      actor: "bob",
      sha: sha(1),
      ref: "refs/heads/main",
      branch: "main",
      previousSha: null,
      rebuilt: [],
      error: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(Date.parse(d.createdAt)).not.toBeNaN();
    expect(store.get(d.id)).toEqual(d);
    expect(store.get("nope")).toBeUndefined();
  });

  it("gives every deployment a distinct id", () => {
    const ids = new Set(Array.from({ length: 50 }, (_, i) => queue("shop", i).id));
    expect(ids.size).toBe(50);
  });

  it("claimNext takes the newest queued deployment and supersedes the older ones", () => {
    const a = queue("shop", 1);
    const b = queue("shop", 2);
    const c = queue("shop", 3);
    const other = queue("blog", 4);
    const claimed = store.claimNext("shop");
    expect(claimed?.id).toBe(c.id);
    expect(claimed?.status).toBe("running");
    expect(claimed?.startedAt).not.toBeNull();
    for (const old of [a, b]) {
      const d = store.get(old.id)!;
      expect(d.status).toBe("superseded");
      expect(d.error).toBe(`superseded by ${c.id}`);
      expect(d.finishedAt).not.toBeNull();
    }
    expect(store.get(other.id)?.status).toBe("queued");
    expect(store.claimNext("shop")).toBeUndefined();
  });

  it("claimNext leaves finished deployments alone", () => {
    const done = queue("shop", 1);
    store.finish(done.id, "succeeded");
    queue("shop", 2);
    store.claimNext("shop");
    expect(store.get(done.id)?.status).toBe("succeeded");
  });

  it("appsWithQueued lists apps by their oldest waiting deployment", () => {
    queue("b", 1);
    queue("a", 2);
    queue("b", 3);
    expect(store.appsWithQueued()).toEqual(["b", "a"]);
  });

  it("lists newest first, per app, with a limit", () => {
    const ids = [1, 2, 3, 4].map((n) => queue(n % 2 ? "shop" : "blog", n).id);
    expect(store.list().map((d) => d.id)).toEqual([...ids].reverse());
    expect(store.list({ app: "shop" }).map((d) => d.sha)).toEqual([sha(3), sha(1)]);
    expect(store.list({ limit: 1 }).map((d) => d.id)).toEqual([ids[3]]);
  });

  it("update stores rebuilt services and previous sha; finish records status, error and time", () => {
    const d = queue("shop", 1);
    store.update(d.id, { rebuilt: ["web", "api"], previousSha: sha(9) });
    store.finish(d.id, "failed", "boom");
    expect(store.get(d.id)).toMatchObject({
      rebuilt: ["web", "api"],
      previousSha: sha(9),
      status: "failed",
      error: "boom",
    });
    expect(store.get(d.id)?.finishedAt).not.toBeNull();
  });

  it("lastSucceeded and succeededShas look at succeeded deployments only", () => {
    const a = queue("shop", 1);
    store.finish(a.id, "succeeded");
    const b = queue("shop", 2);
    store.finish(b.id, "failed", "x");
    const c = queue("shop", 3);
    store.finish(c.id, "succeeded");
    const d = queue("shop", 1);
    store.finish(d.id, "succeeded");
    expect(store.lastSucceeded("shop")?.id).toBe(d.id);
    expect(store.lastSucceeded("shop", d.id)?.id).toBe(c.id);
    expect(store.succeededShas("shop", 5)).toEqual([sha(1), sha(3)]);
  });

  it("prune keeps the newest N finished deployments of an app, ", () => {
    const all = [1, 2, 3, 4, 5].map((n) => {
      const d = queue("shop", n);
      store.finish(d.id, "succeeded");
      return d;
    });
    const other = queue("blog", 9);
    store.finish(other.id, "succeeded");
    const removed = store.prune("shop", 2);
    expect(removed.sort()).toEqual(
      all
        .slice(0, 3)
        .map((d) => d.id)
        .sort(),
    );
    expect(store.list({ app: "shop" }).map((d) => d.id)).toEqual([all[4]!.id, all[3]!.id]);
    expect(store.get(other.id)).toBeDefined();
  });

  it("prune never removes queued or running work", () => {
    const running = queue("shop", 1);
    store.claimNext("shop");
    const queued = queue("shop", 2);
    for (let n = 3; n < 6; n++) store.finish(queue("shop", n).id, "failed");
    store.prune("shop", 1);
    expect(store.get(running.id)?.status).toBe("running");
    expect(store.get(queued.id)?.status).toBe("queued");
    expect(store.list({ app: "shop" })).toHaveLength(3);
  });

  it("rolls back every change of a failed transaction", () => {
    expect(() =>
      store.transaction(() => {
        queue("shop", 1);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(store.list()).toHaveLength(0);
  });
});

describe("prune with a long failure streak", () => {
  it("keeps the newest succeeded deployments however many failures follow", () => {
    const good = queue("shop", 1);
    store.finish(good.id, "succeeded");
    for (let i = 2; i < 8; i++) store.finish(queue("shop", i).id, "failed");
    store.prune("shop", 3, 1);
    const left = store.list({ app: "shop", limit: 100 });
    expect(left.map((d) => d.id)).toContain(good.id);
    expect(left).toHaveLength(4);
  });
});
