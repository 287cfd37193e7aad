import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { REDACT_PATHS, REDACTED, type Secrets } from "./helpers/secrets.js";

/**
 * One logger for the server and the deploys: the same lines go to the console and the log file.
 * Credentials in headers are redacted in case a serializer ever includes them.
 */
export function createLogger(
  opts: { file?: string | null; level?: string; console?: boolean; pretty?: boolean; secrets?: Secrets } = {},
): Logger {
  const streams: pino.StreamEntry[] = [];
  if (opts.console !== false) {
    // A person at a terminal gets readable lines; anything else (journald, pipes, tests) gets JSON.
    const human = opts.pretty ?? process.stdout.isTTY === true;
    streams.push({
      stream: human
        ? pretty({
            translateTime: "SYS:HH:MM:ss",
            ignore: "pid,hostname,reqId,app,deployment,step,ms",
            singleLine: true,
            sync: true,
          })
        : process.stdout,
    });
  }
  if (opts.file) {
    mkdirSync(dirname(opts.file), { recursive: true });
    const dest = pino.destination({ dest: opts.file, append: true, mkdir: true, sync: false });
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
