import { describe, expect, it } from "vitest";
import { RecentIds } from "../../../src/store/recent-ids.js";
import { prng } from "../../helpers/fuzz.js";

/** What RecentIds must behave like: a Set over a ring of the newest ids. */
class Model {
  private readonly set = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;
  constructor(private readonly capacity: number) {}
  has(id: string): boolean {
    return this.set.has(id);
  }
  add(id: string): boolean {
    if (this.set.has(id)) return false;
    if (this.ring.length < this.capacity) this.ring.push(id);
    else {
      this.set.delete(this.ring[this.next] as string);
      this.ring[this.next] = id;
      this.next = (this.next + 1) % this.capacity;
    }
    this.set.add(id);
    return true;
  }
}

describe("RecentIds", () => {
  it("remembers ids, answers false for a repeat, and forgets the oldest first", () => {
    const ids = new RecentIds(3);
    expect(ids.add("a")).toBe(true);
    expect(ids.add("a")).toBe(false);
    expect(ids.add("b")).toBe(true);
    expect(ids.add("c")).toBe(true);
    expect(ids.add("d")).toBe(true);
    expect(ids.has("a")).toBe(false);
    expect(["b", "c", "d"].map((x) => ids.has(x))).toEqual([true, true, true]);
    expect(ids.add("a")).toBe(true);
    expect(ids.has("b")).toBe(false);
  });

  it("keeps long ids, ids past U+00FF, the empty id, and ids whose characters share a low byte", () => {
    const ids = new RecentIds(8);
    const long = `${"x".repeat(64)}-and-more`;
    for (const id of [long, "dé-livraison", "δ-delivery", "", "\u0141", "\u0041"]) expect(ids.add(id)).toBe(true);
    expect(ids.has(long)).toBe(true);
    expect(ids.has(long.slice(0, 64))).toBe(false);
    expect(ids.has("δ-delivery")).toBe(true);
    expect(ids.has("\u0141")).toBe(true);
    // U+0141 and U+0041 share a low byte: only the string comparison tells them apart.
    expect(ids.has("\u0241")).toBe(false);
    expect(ids.has("")).toBe(true);
    expect(ids.add("dé-livraison")).toBe(false);
  });

  it("behaves like a Set over a ring, through many evictions and collisions of the index", () => {
    const rng = prng(20261201);
    for (const capacity of [1, 2, 5, 64, 300]) {
      const ids = new RecentIds(capacity);
      const model = new Model(capacity);
      // A small alphabet of ids, so repeats (and probe chains) are frequent.
      const pool = Array.from({ length: capacity * 3 + 2 }, (_, i) =>
        i % 7 === 0 ? `${"long-".repeat(14)}${i}` : `${i.toString(36)}-${rng.int(1000)}`,
      );
      for (let n = 0; n < 20_000; n++) {
        const id = rng.pick(pool);
        if (rng.chance(0.3)) expect(ids.has(id), `has ${id} at ${n}`).toBe(model.has(id));
        else expect(ids.add(id), `add ${id} at ${n}`).toBe(model.add(id));
      }
      for (const id of pool) expect(ids.has(id)).toBe(model.has(id));
    }
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new RecentIds(0)).toThrow(RangeError);
    expect(() => new RecentIds(1.5)).toThrow(RangeError);
  });
});
