import { describe, expect, it } from "vitest";
import { settle, track } from "../../../src/pipeline/drains.js";

describe("drains", () => {
  it("runs an app's background work in order, and settle waits for all of it", async () => {
    const done: string[] = [];
    const later = (name: string, ms: number) => () =>
      new Promise<void>((r) =>
        setTimeout(() => {
          done.push(name);
          r();
        }, ms),
      );
    void track("shop", later("drain", 30));
    void track("shop", later("converge", 1));
    void track("blog", later("other", 1));
    await settle("shop");
    expect(done.filter((d) => d !== "other")).toEqual(["drain", "converge"]);
  });

  it("keeps going after a failed piece of work", async () => {
    void track("x", async () => {
      throw new Error("docker gone");
    });
    let ran = false;
    await track("x", async () => {
      ran = true;
    });
    await settle("x");
    expect(ran).toBe(true);
  });
});
