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

  it("a burst of 5 pushes runs exactly 2 deployments, the first and the last commit", async () => {
    // The first push starts at once and is held running while the other four arrive: no timing involved.
    const ex = controllableExecutor();
    const q = new Queue(store, 2, ex.execute, logger);
    for (let n = 1; n <= 5; n++) {
      queue("shop", n);
      q.kick();
      await tick();
    }
    expect(ex.runs.map((r) => r.d.sha)).toEqual([sha(1)]);
    ex.finish(ex.runs[0]!.d.id);
    for (let i = 0; i < 100 && ex.runs.length < 2; i++) await tick();
    expect(ex.runs.map((r) => r.d.sha)).toEqual([sha(1), sha(5)]);
    ex.finish(ex.runs[1]!.d.id);
    await q.idle();
    const statuses = store.list({ app: "shop" }).map((d) => [d.sha, d.status]);
    expect(statuses).toEqual([
      [sha(5), "succeeded"],
      [sha(4), "superseded"],
      [sha(3), "superseded"],
      [sha(2), "superseded"],
      [sha(1), "succeeded"],
    ]);
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
