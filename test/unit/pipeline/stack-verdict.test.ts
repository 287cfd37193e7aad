import { describe, expect, it } from "vitest";
import { assessStack } from "../../../src/pipeline/stack-verdict.js";
import type { SwarmService, SwarmTask } from "../../../src/runners/swarm-parse.js";

const NEW = "r:5000/shop-web:new";
const OLD = "r:5000/shop-web:old";
const expected = { shop_web: `${NEW}` };

const service = (over: Partial<SwarmService> = {}): SwarmService => ({
  id: "s1",
  name: "shop_web",
  image: NEW,
  replicas: 1,
  update: { state: "completed", message: "update completed" },
  ...over,
});
let n = 0;
const task = (over: Partial<SwarmTask> = {}): SwarmTask => ({
  id: `t${++n}`,
  serviceId: "s1",
  slot: 1,
  image: NEW,
  desired: "running",
  state: "running",
  err: undefined,
  ...over,
});
const none = new Set<string>();

describe("stack convergence", () => {
  it("converges when every wanted task runs the new image and the update is done", () => {
    const old = task({ image: OLD, desired: "shutdown", state: "shutdown" });
    expect(assessStack(expected, [service()], [task(), old], none)).toEqual({
      kind: "converged",
      detail: "1 service(s) on the new image (shop_web 1/1)",
    });
  });

  it("converges on a service's first deploy (no update status yet), and on a pinned digest", () => {
    const verdict = assessStack({ shop_web: `${NEW}@sha256:ff` }, [service({ update: undefined })], [task()], none);
    expect(verdict.kind).toBe("converged");
  });

  it("waits while the update runs, saying why a task waits", () => {
    const svc = service({ update: { state: "updating", message: "update in progress" } });
    const pending = task({ state: "pending", err: "no suitable node (host-mode port already in use on 1 node)" });
    const old = task({ image: OLD });
    expect(assessStack(expected, [svc], [pending, old], none)).toEqual({
      kind: "waiting",
      why: "shop_web: update in progress; shop_web.1 pending: no suitable node (host-mode port already in use on 1 node)",
    });
  });

  it("waits for a task starting (not yet healthy), too few replicas, an old task still stopping, a missing service", () => {
    expect(assessStack(expected, [service()], [task({ state: "starting" })], none)).toMatchObject({
      kind: "waiting",
      why: expect.stringContaining("shop_web.1 starting"),
    });
    expect(assessStack(expected, [service({ replicas: 2 })], [task()], none)).toMatchObject({
      why: "shop_web: 1/2 task(s) running",
    });
    const leaving = task({ image: OLD, desired: "shutdown", state: "running" });
    expect(assessStack(expected, [service()], [task(), leaving], none)).toMatchObject({
      why: expect.stringContaining(`(${OLD}) still shutting down`),
    });
    expect(assessStack(expected, [], [], none)).toMatchObject({
      kind: "waiting",
      why: "shop_web: no such service yet",
    });
  });

  it("fails at once when a new task of the new image fails, even while Swarm restarts it", () => {
    const failed = task({ desired: "shutdown", state: "failed", err: "task: non-zero exit (1)" });
    const again = task({ state: "starting" });
    const svc = service({ update: { state: "updating", message: "update in progress" } });
    expect(assessStack(expected, [svc], [again, failed], none)).toEqual({
      kind: "failed",
      why: "shop_web.1 failed: task: non-zero exit (1)",
    });
  });

  it("ignores failures of tasks that existed before the deploy", () => {
    const earlier = task({ desired: "shutdown", state: "failed", err: "task: non-zero exit (1)" });
    expect(assessStack(expected, [service()], [task(), earlier], new Set([earlier.id])).kind).toBe("converged");
  });

  it("fails when Swarm rolled the update back or paused it", () => {
    const rolledBack = service({
      image: OLD,
      update: { state: "rollback_completed", message: "update rolled back due to failure" },
    });
    expect(assessStack(expected, [rolledBack], [task({ image: OLD })], none)).toEqual({
      kind: "failed",
      why: `shop_web runs ${OLD}, not ${NEW}: Swarm rolled it back (update rolled back due to failure)`,
    });
    const paused = service({ update: { state: "paused", message: "update paused due to failure" } });
    expect(assessStack(expected, [paused], [task()], none)).toEqual({
      kind: "failed",
      why: "shop_web: update paused: update paused due to failure",
    });
  });

  it("converges on a rollback's image once Swarm's own rollback to it has completed", () => {
    const back = service({ image: OLD, update: { state: "rollback_completed", message: "rollback completed" } });
    expect(assessStack({ shop_web: OLD }, [back], [task({ image: OLD })], none).kind).toBe("converged");
    const going = service({ image: OLD, update: { state: "rollback_started", message: "rolling back" } });
    expect(assessStack({ shop_web: OLD }, [going], [task({ image: OLD })], none).kind).toBe("waiting");
  });

  it("counts a global service's wanted tasks, whatever their number", () => {
    const global = service({ replicas: undefined });
    expect(assessStack(expected, [global], [task(), task({ slot: undefined })], none)).toEqual({
      kind: "converged",
      detail: "1 service(s) on the new image (shop_web 2/2)",
    });
  });
});
