import { EventEmitter } from "node:events";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Where a deployment's lines go: its log file, plus live listeners (SSE followers). */
export interface DeploymentLog {
  line(text: string): void;
}

/** Masks secret values in a line of text (helpers/secrets.ts's Secrets has this shape). */
export interface TextMasker {
  mask(text: string): string;
}

const NOTHING_TO_MASK: TextMasker = { mask: (text) => text };

/**
 * Per-deployment plain-text logs under `<dataDir>/logs/<id>.log`.
 * Appends are synchronous so a follower that reads the file and then subscribes,
 * in one tick, misses no line and sees none twice.
 */
export class LogStore {
  private readonly bus = new EventEmitter();
  constructor(
    readonly dir: string,
    /** Masks the secrets (the webhook secret, the API token) in every line, whatever printed them. */
    private readonly secrets: TextMasker = NOTHING_TO_MASK,
  ) {
    mkdirSync(dir, { recursive: true });
    this.bus.setMaxListeners(0);
  }

  file(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  sink(id: string): DeploymentLog {
    const file = this.file(id);
    return {
      line: (text: string) => {
        const stamped = `${new Date().toISOString()} ${this.secrets.mask(text)}\n`;
        appendFileSync(file, stamped);
        this.bus.emit(`line:${id}`, stamped);
      },
    };
  }

  /** Signals followers that no more lines will come. */
  end(id: string): void {
    this.bus.emit(`end:${id}`);
  }

  read(id: string): string {
    const file = this.file(id);
    return existsSync(file) ? readFileSync(file, "utf8") : "";
  }

  subscribe(id: string, onLine: (chunk: string) => void, onEnd: () => void): () => void {
    this.bus.on(`line:${id}`, onLine);
    this.bus.on(`end:${id}`, onEnd);
    return () => {
      this.bus.off(`line:${id}`, onLine);
      this.bus.off(`end:${id}`, onEnd);
    };
  }

  remove(id: string): void {
    rmSync(this.file(id), { force: true });
  }
}
