import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` until it returns something other than undefined/false, and returns that.
 * Deadlines are generous (the suite must pass on a loaded 2-core machine); the interval is short,
 * so a fast machine does not wait for nothing.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
