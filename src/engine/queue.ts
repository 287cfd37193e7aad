import type { Logger } from "pino";
import { ConflictError, NotFoundError } from "../errors.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { Deployment } from "../store/types.js";

export type Execute = (deployment: Deployment, signal: AbortSignal) => Promise<void>;

interface Running {
  id: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * One worker per app, at most `concurrency` apps at once. The store holds the queue;
 * this class only decides what starts next, so a restart rebuilds it from the store.
 */
export class Queue {
  private readonly running = new Map<string, Running>();
  private stopped = false;
  /** Held: nothing starts until release() (the server listens before Compose is found). */
  private held = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: DeploymentStore,
    private readonly concurrency: number,
    private readonly execute: Execute,
    private readonly logger: Logger,
  ) {}

  /** Starts whatever queued work fits. Cheap; call it after anything is queued or finishes. */
  kick(): void {
    if (this.stopped || this.held) return;
    for (const app of this.store.appsWithQueued()) {
      if (this.running.size >= this.concurrency) break;
      if (this.running.has(app)) continue;
      const deployment = this.store.claimNext(app);
      if (!deployment) continue;
      const controller = new AbortController();
      const done = this.execute(deployment, controller.signal)
        .catch((err: unknown) => {
          // Last guard: a deployment must never stay `running` in the store while nothing runs it.
          this.logger.error({ err, deployment: deployment.id }, "deployment crashed");
          try {
            if (this.store.get(deployment.id)?.status === "running") {
              this.store.finish(deployment.id, "failed", `internal error: ${(err as Error)?.message ?? String(err)}`);
            }
          } catch (storeErr) {
            // The database itself fails (a full disk): recovery at the next start settles the record.
            this.logger.error({ err: storeErr, deployment: deployment.id }, "cannot record the crashed deployment");
          }
        })
        .finally(() => {
          this.running.delete(app);
          this.kick();
          this.notifyIdle();
        });
      this.running.set(app, { id: deployment.id, controller, done });
    }
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    this.kick();
  }

  /** Cancels a queued or waiting deployment at once, or stops a running one's commands. Finished: 409. */
  cancel(id: string): Deployment {
    const d = this.store.get(id);
    if (!d) throw new NotFoundError(`deployment ${id} not found`);
    if (d.status === "queued" || d.status === "waiting") {
      this.store.transaction(() => {
        const now = this.store.get(id)?.status;
        if (now === "queued" || now === "waiting") this.store.finish(id, "cancelled", `cancelled while ${now}`);
      });
      return this.store.get(id) as Deployment;
    }
    const run = [...this.running.values()].find((r) => r.id === id);
    if (d.status === "running" && run) {
      run.controller.abort();
      return d;
    }
    throw new ConflictError(`deployment ${id} has already ended (${d.status}); there is nothing to cancel`);
  }

  /** Resolves when nothing runs and nothing is queued. For tests and graceful shutdown. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || (!this.stopped && this.store.appsWithQueued().length > 0)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Stops starting new work and waits up to `graceMs` for running deployments. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    const all = Promise.all([...this.running.values()].map((r) => r.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}
