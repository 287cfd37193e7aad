import { Cancelled, CommandTimedOut } from "../errors.js";
import { type Secrets, WITHHELD_ENV_NAMES } from "../helpers/secrets.js";

/** Where a command's lines go: the deployment's log (the LogStore's sinks have this shape). */
export interface LogSink {
  line(text: string): void;
}

export interface RunOptions {
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  /** Step name, used in timeout and cancel messages. */
  step: string;
  timeoutMs: number;
  /** What the timeout message names, when the budget is shared with other commands. */
  timeoutSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
  log?: LogSink | undefined;
  /** Log the command and its exit, not its output (for machine-read output such as JSON). */
  quiet?: boolean | undefined;
  /** Called with the process group id once started, and with null when it ends. */
  onProcessGroup?: ((pgid: number | null) => void) | undefined;
}

/** A command as argv: the program, then its arguments. Never a shell string. */
export type Argv = [string, ...string[]];

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

// deployer's own credentials stay in deployer: git, Compose and hooks never see them,
// under their usual names or any other variable that holds the same value.
const withheld = new Set<Secrets>();

/** Registers secrets no child process may receive in its environment (the configured secret and token). */
export function withholdFromChildren(secrets: Secrets): void {
  withheld.add(secrets);
}

function childEnv(extra: Record<string, string> | undefined): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, ...extra };
  for (const name of WITHHELD_ENV_NAMES) delete env[name];
  for (const secrets of withheld) {
    for (const [name, value] of Object.entries(env)) if (secrets.has(value)) delete env[name];
  }
  return env;
}

/** A log that never throws: it is called from stream handlers, where a throw would be uncaught. */
function safeLog(log: LogSink | undefined): LogSink | undefined {
  if (!log) return undefined;
  return {
    line: (text) => {
      try {
        log.line(text);
      } catch {
        // The log store reports its own write failures; a lost line must not cost the deploy.
      }
    },
  };
}

/** Time between SIGTERM and SIGKILL of a timed-out or cancelled process group. */
export const KILL_GRACE_MS = 5000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Streams a child's output to the log line by line. */
function pipeLines(stream: NodeJS.ReadableStream | null, log: LogSink): void {
  if (!stream) return;
  let rest = "";
  stream.on("data", (chunk: Buffer | string) => {
    const lines = (rest + chunk.toString()).split(/\r?\n/);
    rest = lines.pop() ?? "";
    for (const l of lines) log.line(`  ${l}`);
  });
  stream.on("end", () => {
    if (rest) log.line(`  ${rest}`);
  });
}

/** Stops a process group once (SIGTERM, then SIGKILL after the grace period) and remembers why. */
function groupStopper(pid: number | undefined) {
  let reason: "timeout" | "cancel" | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  return {
    get reason() {
      return reason;
    },
    stop(why: "timeout" | "cancel") {
      if (reason || pid === undefined) return;
      reason = why;
      killGroup(pid, "SIGTERM");
      forceTimer = setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    },
    /** Leaves no SIGKILL armed, and kills the group now if it was being stopped (it might still be alive). */
    finish() {
      if (!forceTimer) return;
      clearTimeout(forceTimer);
      if (pid !== undefined) killGroup(pid, "SIGKILL");
    },
  };
}

/**
 * Runs one command: argv array, never a shell. The child leads its own process group,
 * so a timeout or cancel stops everything it started (SIGTERM, then SIGKILL after a grace period).
 * Output is streamed line by line to the log. Never throws for a non-zero exit: callers decide.
 */
export async function run(cmd: string, args: string[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const log = safeLog(opts.log);
  log?.line(`$ ${[cmd, ...args].join(" ")}`);
  if (opts.signal?.aborted) throw new Cancelled(opts.step);

  // Loaded on the first command, not at start: the server answers webhooks before it runs anything.
  const { execa } = await import("execa");
  const child = execa(cmd, args, {
    cwd: opts.cwd,
    env: childEnv(opts.env),
    extendEnv: false,
    detached: true,
    reject: false,
    stdin: "ignore",
    encoding: "utf8",
    stripFinalNewline: true,
  });
  const pid = child.pid;
  if (pid !== undefined) opts.onProcessGroup?.(pid);

  if (log && !opts.quiet) {
    pipeLines(child.stdout, log);
    pipeLines(child.stderr, log);
  }
  const stopper = groupStopper(pid);
  const timer = setTimeout(() => stopper.stop("timeout"), opts.timeoutMs);
  const onAbort = () => stopper.stop("cancel");
  opts.signal?.addEventListener("abort", onAbort, { once: true });

  try {
    const result = await child;
    const durationMs = Date.now() - started;
    if (stopper.reason === "timeout") {
      const seconds = opts.timeoutSeconds ?? Math.round(opts.timeoutMs / 1000);
      log?.line(`  killed: timed out after ${seconds} s`);
      throw new CommandTimedOut(opts.step, seconds);
    }
    if (stopper.reason === "cancel") {
      log?.line("  killed: cancelled");
      throw new Cancelled(opts.step);
    }
    const exitCode = result.exitCode ?? (result.failed ? 1 : 0);
    const failure = result.failed && result.exitCode === undefined ? ` (${result.shortMessage})` : "";
    log?.line(`  exit ${exitCode}${failure} in ${(durationMs / 1000).toFixed(2)} s`);
    return {
      exitCode,
      stdout: typeof result.stdout === "string" ? result.stdout : "",
      stderr: typeof result.stderr === "string" ? result.stderr : "",
      durationMs,
    };
  } finally {
    clearTimeout(timer);
    stopper.finish();
    opts.signal?.removeEventListener("abort", onAbort);
    opts.onProcessGroup?.(null);
  }
}

/** Runs a command given as one argv array (what the runners' command builders return). */
export function runArgv(argv: Argv, opts: RunOptions): Promise<RunResult> {
  const [cmd, ...args] = argv;
  return run(cmd, args, opts);
}
