import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Execute, Queue } from "../../../src/engine/queue.js";
import { ConflictError, NotFoundError } from "../../../src/errors.js";
import { createLogger } from "../../../src/logger.js";
import type { Db } from "../../../src/store/db.js";
import type { DeploymentStore } from "../../../src/store/deployments.js";
import type { Deployment } from "../../../src/store/types.js";
import { openMemoryStore } from "../../helpers/store.js";

const logger = createLogger({ console: false });
const sha = (n: number) => n.toString(16).padStart(40, "0");

let db: Db;
let store: DeploymentStore;
beforeEach(() => {
  ({ db, store } = openMemoryStore());
});
afterEach(() => db.close());

const queue = (app: string, n: number) => store.insert({ app, trigger: "push", sha: sha(n), ref: "refs/heads/main" });

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

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

  it("records steps in order with durations", () => {
    const d = queue("shop", 1);
    store.startStep(d.id, "sync");
    store.finishStep(d.id, "sync", "succeeded", 12);
    store.startStep(d.id, "build");
    expect(store.getWithSteps(d.id)?.steps).toMatchObject([
      { name: "sync", status: "succeeded", durationMs: 12 },
      { name: "build", status: "running", durationMs: null, finishedAt: null },
    ]);
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

  it("prune keeps the newest N finished deployments of an app, with their steps", () => {
    const all = [1, 2, 3, 4, 5].map((n) => {
      const d = queue("shop", n);
      store.startStep(d.id, "sync");
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
    expect(store.steps(all[0]!.id)).toEqual([]);
    expect(store.steps(all[4]!.id)).toHaveLength(1);
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

  it("records deliveries", () => {
    expect(store.findDelivery("x")).toBeUndefined();
    store.recordDelivery("x", "push", null);
    expect(store.findDelivery("x")).toEqual({ id: "x", deploymentId: null });
    expect(() => store.recordDelivery("x", "push", null)).toThrow();
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

/** A fake executor whose runs finish only when the test says so. */
function controllableExecutor() {
  const runs: { d: Deployment; signal: AbortSignal; done: ReturnType<typeof deferred> }[] = [];
  let active = 0;
  let maxActive = 0;
  const execute: Execute = async (d, signal) => {
    const done = deferred();
    runs.push({ d, signal, done });
    active++;
    maxActive = Math.max(maxActive, active);
    try {
      await done.promise;
      store.finish(d.id, "succeeded");
    } catch (e) {
      store.finish(d.id, "failed", (e as Error).message);
    } finally {
      active--;
    }
  };
  return {
    execute,
    runs,
    get active() {
      return active;
    },
    get maxActive() {
      return maxActive;
    },
    /** Finishes the run of deployment `id`. */
    finish(id: string) {
      const run = runs.find((r) => r.d.id === id);
      if (!run) throw new Error(`${id} is not running`);
      run.done.resolve();
    },
  };
}

describe("Queue", () => {
  it("runs one deployment per app at a time and the newest queued one next", async () => {
    const ex = controllableExecutor();
    const q = new Queue(store, 2, ex.execute, logger);
    const first = queue("shop", 1);
    q.kick();
    const second = queue("shop", 2);
    q.kick();
    await tick();
    expect(ex.runs.map((r) => r.d.id)).toEqual([first.id]);
    expect(store.get(second.id)?.status).toBe("queued");
    expect(store.get(first.id)?.status).toBe("running");

    ex.finish(first.id);
    await tick();
    expect(ex.runs.map((r) => r.d.id)).toEqual([first.id, second.id]);
    expect(ex.maxActive).toBe(1);
    ex.finish(second.id);
    await q.idle();
    expect(store.get(second.id)?.status).toBe("succeeded");
  });

  it("runs different apps in parallel up to the concurrency limit", async () => {
    const ex = controllableExecutor();
    const q = new Queue(store, 2, ex.execute, logger);
    const ds = ["a", "b", "c", "d"].map((app, i) => queue(app, i));
    q.kick();
    await tick();
    expect(ex.runs.map((r) => r.d.app)).toEqual(["a", "b"]);
    expect(store.get(ds[2]!.id)?.status).toBe("queued");

    ex.finish(ds[0]!.id);
    await tick();
    expect(ex.runs.map((r) => r.d.app)).toEqual(["a", "b", "c"]);
    expect(ex.active).toBe(2);

    ex.finish(ds[1]!.id);
    ex.finish(ds[2]!.id);
    await tick();
    ex.finish(ds[3]!.id);
    await q.idle();
    expect(ex.maxActive).toBe(2);
    expect(store.list().every((d) => d.status === "succeeded")).toBe(true);
  });

  it("with concurrency 1 runs apps one after another", async () => {
    const ex = controllableExecutor();
    const q = new Queue(store, 1, ex.execute, logger);
    const a = queue("a", 1);
    const b = queue("b", 2);
    q.kick();
    await tick();
    expect(ex.runs).toHaveLength(1);
    ex.finish(a.id);
    await tick();
    ex.finish(b.id);
    await q.idle();
    expect(ex.maxActive).toBe(1);
    expect(ex.runs).toHaveLength(2);
  });

  it("a burst of 5 pushes runs at most 2 deployments and ends with the last commit", async () => {
    const executed: string[] = [];
    const q = new Queue(
      store,
      2,
      async (d) => {
        executed.push(d.sha);
        await new Promise((r) => setTimeout(r, 20));
        store.finish(d.id, "succeeded");
      },
      logger,
    );
    for (let n = 1; n <= 5; n++) {
      queue("shop", n);
      q.kick();
      await new Promise((r) => setTimeout(r, 1));
    }
    await q.idle();
    expect(executed.length).toBeLessThanOrEqual(2);
    expect(executed[0]).toBe(sha(1));
    expect(executed.at(-1)).toBe(sha(5));
    const statuses = store.list({ app: "shop" }).map((d) => d.status);
    expect(statuses[0]).toBe("succeeded");
    expect(statuses.filter((s) => s === "superseded").length).toBe(5 - executed.length);
  });

  it("cancels a queued deployment: it becomes cancelled and never runs", async () => {
    const ex = controllableExecutor();
    const q = new Queue(store, 2, ex.execute, logger);
    const running = queue("shop", 1);
    q.kick();
    const waiting = queue("shop", 2);
    q.kick();
    const cancelled = q.cancel(waiting.id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.error).toMatch(/cancelled/);
    expect(cancelled.finishedAt).not.toBeNull();
    ex.finish(running.id);
    await q.idle();
    expect(ex.runs.map((r) => r.d.id)).toEqual([running.id]);
  });

  it("cancels a running deployment by aborting its signal", async () => {
    let seen: AbortSignal | undefined;
    const q = new Queue(
      store,
      2,
      async (d, signal) => {
        seen = signal;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        store.finish(d.id, "cancelled", "cancelled during test");
      },
      logger,
    );
    const d = queue("shop", 1);
    q.kick();
    await tick();
    expect(q.cancel(d.id).status).toBe("running");
    expect(seen?.aborted).toBe(true);
    await q.idle();
    expect(store.get(d.id)?.status).toBe("cancelled");
  });

  it("refuses to cancel a finished deployment with a ConflictError (409)", async () => {
    const q = new Queue(store, 2, async (d) => store.finish(d.id, "succeeded"), logger);
    const d = queue("shop", 1);
    q.kick();
    await q.idle();
    const err = (() => {
      try {
        q.cancel(d.id);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).statusCode).toBe(409);
    expect(store.get(d.id)?.status).toBe("succeeded");
  });

  it("answers NotFoundError for an unknown id", () => {
    const q = new Queue(store, 2, async () => {}, logger);
    expect(() => q.cancel("nope")).toThrow(NotFoundError);
  });

  it("keeps going after an executor throws", async () => {
    let calls = 0;
    const q = new Queue(
      store,
      1,
      async (d) => {
        calls++;
        store.finish(d.id, "failed", "x");
        if (calls === 1) throw new Error("crash");
      },
      logger,
    );
    queue("a", 1);
    q.kick();
    queue("b", 2);
    q.kick();
    await q.idle();
    expect(calls).toBe(2);
  });

  it("starts nothing after stop()", async () => {
    const ex = controllableExecutor();
    const q = new Queue(store, 2, ex.execute, logger);
    await q.stop(10);
    queue("shop", 1);
    q.kick();
    await tick();
    expect(ex.runs).toHaveLength(0);
  });
});
