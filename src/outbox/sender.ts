import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import { ReportFailed } from "../errors.js";
import type { OutboxRow, OutboxStore } from "../store/outbox.js";
import { commitInfo } from "./commit-info.js";
import type { ReportEvent } from "./event.js";
import { senderFor } from "./senders/index.js";
import type { CommitInfo, SendInput } from "./types.js";

export interface SenderOptions {
  /** How often due rows are looked for (new rows are sent at once). */
  pollMs: number;
  /** A target that has not answered by then is retried later. */
  timeoutMs: number;
  /** First retry delay; doubles per attempt, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A row still failing this long after it was written is given up. */
  maxAgeMs: number;
}

export const SENDER_DEFAULTS: SenderOptions = {
  pollMs: 1000,
  timeoutMs: 15_000,
  baseDelayMs: 2000,
  maxDelayMs: 30 * 60_000,
  maxAgeMs: 24 * 3600_000,
};

export interface SenderDeps {
  config: Config;
  outbox: OutboxStore;
  logger: Logger;
  /** Masks credentials in the errors it records and logs. */
  secrets: { mask(text: string): string };
}

/**
 * Delivers the outbox: each due row on its own (a slow target delays nobody), in order per deployment
 * and target, retried with exponential backoff until it is delivered or too old. The rows are the
 * queue, so a restart goes on where the last run stopped. Nothing here touches a deployment.
 */
export class OutboxSender {
  private readonly opts: SenderOptions;
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();
  private readonly commits = new Map<string, Promise<CommitInfo>>();
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;

  constructor(
    private readonly deps: SenderDeps,
    opts: Partial<SenderOptions> = {},
  ) {
    this.opts = { ...SENDER_DEFAULTS, ...opts };
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due rows soon (after the current transaction has committed). */
  kick(): void {
    if (this.scheduled || this.stopping.signal.aborted) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.tick();
    });
  }

  /** Resolves when nothing is being sent (for tests). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Stops sending; deliveries under way are abandoned and retried after the next start. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.settled();
  }

  private tick(): void {
    if (this.stopping.signal.aborted) return;
    let rows: OutboxRow[];
    try {
      rows = this.deps.outbox.due(new Date().toISOString(), 100);
    } catch (err) {
      this.deps.logger.error({ err }, "outbox: cannot read pending reports");
      return;
    }
    for (const row of rows) {
      if (this.inFlight.has(row.id)) continue;
      const done = this.deliver(row).finally(() => {
        this.inFlight.delete(row.id);
        this.kick();
      });
      this.inFlight.set(row.id, done);
    }
  }

  private input(row: OutboxRow, signal: AbortSignal): SendInput | string {
    const app = this.deps.config.apps[row.app];
    if (!app) return `app ${row.app} is no longer configured`;
    const event = row.payload as ReportEvent;
    return {
      row,
      event,
      app,
      signal,
      remoteId: (id) => this.deps.outbox.remoteId(id, row.target),
      commit: () => {
        const key = `${app.name}:${event.sha}`;
        if (!this.commits.has(key)) this.commits.set(key, commitInfo(app, event.sha));
        return this.commits.get(key) as Promise<CommitInfo>;
      },
    };
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { outbox } = this.deps;
    const send = senderFor(row.target);
    const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.opts.timeoutMs)]);
    const input = this.input(row, signal);
    try {
      if (!send) throw new ReportFailed(`${row.target}: unknown target`, true);
      if (typeof input === "string") throw new ReportFailed(`${row.target}: ${input}`, true);
      const result = await send(input);
      outbox.delivered(row.id, result?.remoteId);
    } catch (err) {
      if (this.stopping.signal.aborted) return; // not an attempt: the next start sends it
      this.failed(row, err);
    }
  }

  private failed(row: OutboxRow, err: unknown): void {
    const message = this.deps.secrets.mask(err instanceof Error ? err.message : String(err));
    const age = Date.now() - Date.parse(row.createdAt);
    const permanent = err instanceof ReportFailed && err.permanent;
    const ctx = { app: row.app, deployment: row.deploymentId, target: row.target, attempts: row.attempts + 1 };
    try {
      if (permanent || age >= this.opts.maxAgeMs) {
        this.deps.outbox.giveUp(row.id, message);
        this.deps.logger.error(ctx, `report ${row.target} (${row.event}) given up: ${message}`);
        return;
      }
      const delay = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** row.attempts);
      const jittered = delay * (0.8 + Math.random() * 0.4);
      this.deps.outbox.retry(row.id, message, new Date(Date.now() + jittered).toISOString());
      this.deps.logger.warn(ctx, `report ${row.target} (${row.event}) failed, will retry: ${message}`);
    } catch (storeErr) {
      this.deps.logger.error({ err: storeErr, ...ctx }, "outbox: cannot record a delivery attempt");
    }
  }
}
