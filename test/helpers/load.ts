import { get } from "node:http";

export interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  /** The first failures, for the assertion message. */
  failures: string[];
  seconds: number;
}

/**
 * A steady request rate against `url`, each request on a fresh connection (as many clients do),
 * until `stop()`. Any non-2xx answer or connection error counts as failed.
 */
export function startLoad(url: string, perSecond: number): { stop(): Promise<LoadResult> } {
  const result: LoadResult = { sent: 0, ok: 0, failed: 0, failures: [], seconds: 0 };
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  const fail = (why: string) => {
    result.failed++;
    if (result.failures.length < 10) result.failures.push(`${new Date().toISOString()} ${why}`);
  };
  const one = () =>
    new Promise<void>((resolve) => {
      result.sent++;
      const req = get(url, { agent: false, timeout: 10_000 }, (res) => {
        res.resume();
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) result.ok++;
          else fail(`status ${res.statusCode}`);
          resolve();
        });
      });
      req.on("timeout", () => req.destroy(new Error("timed out")));
      req.on("error", (err) => {
        fail(err.message);
        resolve();
      });
    });
  // Catch up after a slow tick so the rate holds on a busy machine.
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - started) / 1000) * perSecond) - result.sent;
    for (let i = 0; i < due; i++) {
      const p = one();
      inFlight.add(p);
      void p.then(() => inFlight.delete(p));
    }
  }, 5);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      result.seconds = (Date.now() - started) / 1000;
      return result;
    },
  };
}
