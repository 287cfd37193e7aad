import { EventEmitter } from "node:events";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

/** Where a deployment's lines go: its log file, plus live listeners (SSE followers). */
export interface LogSink {
  line(text: string): void;
}

/**
 * Per-deployment plain-text logs under `<dataDir>/logs/<id>.log`.
 * Appends are synchronous so a follower that reads the file and then subscribes,
 * in one tick, misses no line and sees none twice.
 */
export class LogStore {
  private readonly bus = new EventEmitter();
  /** Values (the webhook secret, the API token) masked in every line, whatever printed them. */
  private readonly secrets: string[];
  constructor(
    readonly dir: string,
    secrets: (string | undefined)[] = [],
  ) {
    this.secrets = secrets.filter((s): s is string => typeof s === "string" && s.length >= 4);
    mkdirSync(dir, { recursive: true });
    this.bus.setMaxListeners(0);
  }

  file(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  sink(id: string): LogSink {
    const file = this.file(id);
    return {
      line: (text: string) => {
        let safe = text;
        for (const secret of this.secrets) safe = safe.split(secret).join("[redacted]");
        const stamped = `${new Date().toISOString()} ${safe}\n`;
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
