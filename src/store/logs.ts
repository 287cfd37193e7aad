import { EventEmitter } from "node:events";
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { escapeControl } from "../helpers/escape.js";

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
    /** Told once per deployment when its log cannot be written (a full disk): the deploy goes on. */
    private readonly onWriteError: (err: unknown, id: string) => void = () => {},
  ) {
    mkdirSync(dir, { recursive: true });
    this.bus.setMaxListeners(0);
  }

  file(id: string): string {
    return join(this.dir, `${id}.log`);
  }

  sink(id: string): DeploymentLog {
    const file = this.file(id);
    let reported = false;
    return {
      line: (text: string) => {
        // Control characters are escaped: a repository's file names and a command's output cannot
        // forge log lines or reach a terminal (CLI) or a browser (SSE) as escape sequences.
        const stamped = `${new Date().toISOString()} ${escapeControl(this.secrets.mask(text))}\n`;
        try {
          appendFileSync(file, stamped);
        } catch (err) {
          // Never thrown at the caller: it may be a child process's stream handler.
          if (!reported) {
            reported = true;
            try {
              this.onWriteError(err, id);
            } catch {}
          }
        }
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
