import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import pino, { type DestinationStream, type Logger } from "pino";
import { REDACT_PATHS, REDACTED, type Secrets } from "./helpers/secrets.js";

const require = createRequire(import.meta.url);

/** pino-pretty, loaded only when a person reads the console (it costs startup time otherwise). */
function prettyStream(): DestinationStream {
  const pretty = require("pino-pretty") as typeof import("pino-pretty");
  return pretty({
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,reqId,app,deployment,step,ms",
    singleLine: true,
    sync: true,
  });
}

/** Asynchronous (buffered) destinations that must be flushed before the process exits. */
const buffered = new Set<{ flushSync(): void }>();

/** Writes out every buffered log line; called at shutdown and on exit. Never throws. */
export function flushLogs(): void {
  for (const dest of buffered) {
    try {
      dest.flushSync();
    } catch {
      // Not open yet, or already closed: nothing we can still write.
    }
  }
}
process.once("exit", flushLogs);

/**
 * One logger for the server and the deploys: the same lines go to the console and the log file.
 * Both destinations are buffered and written asynchronously (flushed on shutdown and on exit), so
 * logging never blocks a request. Credentials in headers are redacted in case a serializer ever
 * includes them.
 */
export function createLogger(
  opts: { file?: string | null; level?: string; console?: boolean; pretty?: boolean; secrets?: Secrets } = {},
): Logger {
  const streams: pino.StreamEntry[] = [];
  if (opts.console !== false) {
    // A person at a terminal gets readable lines; anything else (journald, pipes, tests) gets JSON.
    const human = opts.pretty ?? process.stdout.isTTY === true;
    const stdout = human ? undefined : pino.destination({ dest: 1, sync: false });
    if (stdout) buffered.add(stdout);
    streams.push({ stream: stdout ?? prettyStream() });
  }
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    const dest = pino.destination({ dest: opts.file, append: true, mkdir: true, sync: false });
    buffered.add(dest);
    // logrotate moves the file, then sends SIGHUP: write on into a fresh file at the same path.
    process.on("SIGHUP", () => dest.reopen());
    streams.push({ stream: dest });
  }
  return pino(
    {
      level: opts.level ?? "info",
      redact: {
        paths: [...(opts.secrets?.redactPaths ?? REDACT_PATHS)],
        censor: REDACTED,
      },
    },
    streams.length > 0 ? pino.multistream(streams) : pino.destination("/dev/null"),
  );
}
