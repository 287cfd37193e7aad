import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fullGc, idleGc } from "../../../src/helpers/idle-gc.js";

describe("idleGc", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("collects once when a burst of requests is followed by a quiet interval", () => {
    const collect = vi.fn();
    const idle = idleGc({ quietMs: 2000, minRequests: 1000, collect });
    for (let i = 0; i < 1000; i++) idle.seen();
    vi.advanceTimersByTime(2000); // requests came during this interval: still busy
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(20_000);
    expect(collect).toHaveBeenCalledTimes(1);
    idle.stop();
  });

  it("leaves a server with a trickle of requests, or a small burst, alone", () => {
    const collect = vi.fn();
    const idle = idleGc({ quietMs: 2000, minRequests: 1000, collect });
    for (let t = 0; t < 30; t++) {
      for (let i = 0; i < 100; i++) idle.seen();
      vi.advanceTimersByTime(2000); // never a quiet interval
    }
    expect(collect).not.toHaveBeenCalled();
    idle.stop();
    const small = idleGc({ quietMs: 2000, minRequests: 1000, collect });
    for (let i = 0; i < 999; i++) small.seen();
    vi.advanceTimersByTime(10_000);
    expect(collect).not.toHaveBeenCalled();
    small.stop();
  });

  it("gets V8's collector at run time, without --expose-gc, and leaves the global scope alone", () => {
    const gc = fullGc();
    expect(gc).toBeTypeOf("function");
    expect(() => gc?.()).not.toThrow();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
