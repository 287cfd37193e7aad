import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../../src/store/db.js";
import { DeliveryStore } from "../../../src/store/deliveries.js";
import { GroupCommit } from "../../../src/store/group-commit.js";
import { openMemoryStore } from "../../helpers/store.js";

let db: Db;
let deliveries: DeliveryStore;
beforeEach(() => {
  ({ db, deliveries } = openMemoryStore());
});
afterEach(() => db.close());

describe("GroupCommit", () => {
  it("commits the writes of one event-loop turn in one transaction and settles each after it", async () => {
    const commits = new GroupCommit(db);
    const results = await Promise.all(
      ["a", "b", "c"].map((id) =>
        commits.run(() => {
          deliveries.record(id, "push", null);
          return id;
        }),
      ),
    );
    expect(results).toEqual(["a", "b", "c"]);
    expect(commits.stats).toEqual({ writes: 3, commits: 1 });
    expect(deliveries.find("b")).toEqual({ id: "b", deploymentId: null });
  });

  it("rolls back only the write that throws; the others of the batch are stored", async () => {
    const commits = new GroupCommit(db);
    const ok = commits.run(() => deliveries.record("x", "push", null));
    const bad = commits.run(() => {
      deliveries.record("y", "push", null);
      throw new Error("boom");
    });
    const dup = commits.run(() => deliveries.record("x", "push", null));
    await expect(ok).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow("boom");
    await expect(dup).rejects.toThrow();
    expect(deliveries.find("x")).toBeDefined();
    expect(deliveries.find("y")).toBeUndefined();
  });

  it("flush() commits what is pending at once (shutdown)", async () => {
    const commits = new GroupCommit(db);
    const p = commits.run(() => deliveries.record("z", "push", null));
    commits.flush();
    expect(deliveries.find("z")).toBeDefined();
    await p;
  });
});

describe("DeliveryStore in memory", () => {
  it("remembers ignored deliveries without a row, and forgets the oldest past its limit", () => {
    const small = new DeliveryStore(db, 3);
    for (const id of ["1", "2", "3", "4"]) small.remember(id);
    expect(small.find("1")).toBeUndefined();
    expect(small.find("4")).toEqual({ id: "4", deploymentId: null });
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries").get()).toEqual({ n: 0 });
    small.remember("4");
    small.remember("5");
    expect(small.find("2")).toBeUndefined();
    expect(small.find("3")).toBeDefined();
  });
});
