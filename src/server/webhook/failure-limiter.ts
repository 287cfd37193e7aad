/**
 * Counts failures (bad signatures) per client address in a fixed window. Only failures count, so a
 * client whose deliveries verify is never limited. Old windows are dropped as they expire.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until `key` may try again, or 0 if it is not limited. */
  blockedFor(key: string, at?: number): number {
    const w = this.windows.get(key);
    if (!w) return 0; // the usual case, asked on every delivery: no clock read
    const now = at ?? Date.now();
    if (w.resetAt <= now) return 0;
    return w.count >= this.max ? Math.ceil((w.resetAt - now) / 1000) : 0;
  }

  fail(key: string, now = Date.now()): void {
    if (this.windows.size > 10_000) this.sweep(now);
    const w = this.windows.get(key);
    if (!w || w.resetAt <= now) this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    else w.count++;
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
  }
}
