import { describe, expect, it } from "vitest";
import { run } from "../../../src/runners/exec.js";

describe("run with a log that throws", () => {
  it("finishes the command and throws nothing into the child's stream handlers", async () => {
    let calls = 0;
    const log = {
      line: (l: string) => {
        calls++;
        if (l.startsWith("  ")) throw new Error("ENOSPC: no space left on device, write");
      },
    };
    const r = await run("sh", ["-c", "echo one; echo two >&2; echo three"], { step: "t", timeoutMs: 10_000, log });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("one\nthree");
    expect(calls).toBeGreaterThanOrEqual(4);
  });
});
