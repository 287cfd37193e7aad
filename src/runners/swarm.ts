import { DockerError } from "./docker.js";
import { type Argv, type RunOptions, runArgv } from "./exec.js";
import { swarmCommands } from "./swarm-commands.js";
import { parseServices, parseTasks, type SwarmService, type SwarmTask } from "./swarm-parse.js";

/** Runs a command that must succeed; a failure throws with the end of its output. */
async function ok(argv: Argv, what: string, opts: RunOptions): Promise<string> {
  const r = await runArgv(argv, opts);
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-5).join(" | ");
    throw new DockerError(`${what} failed (exit ${r.exitCode}): ${tail}`);
  }
  return r.stdout;
}

const ids = (out: string) => out.split(/\s+/).filter(Boolean);

/** Whether the engine is a swarm manager; `why` says what it is otherwise (or why it did not answer). */
export async function swarmManager(opts: RunOptions): Promise<{ manager: boolean; why: string }> {
  const r = await runArgv(swarmCommands.nodeState(), { ...opts, quiet: true }).catch((e: Error) => ({
    exitCode: -1,
    stdout: "",
    stderr: e.message,
  }));
  if (r.exitCode !== 0)
    return { manager: false, why: `not answering (${(r.stderr || r.stdout).trim().split("\n").at(-1) ?? ""})` };
  const [state = "", control = ""] = r.stdout.trim().split(/\s+/);
  if (state === "active" && control === "true") return { manager: true, why: "swarm manager" };
  return {
    manager: false,
    why: state === "active" ? "a swarm worker, not a manager" : `not in a swarm (swarm state: ${state || "unknown"})`,
  };
}

export async function pushImage(ref: string, opts: RunOptions): Promise<void> {
  await ok(swarmCommands.push(ref), `docker push ${ref}`, opts);
}

export async function deployStack(files: string[], stack: string, opts: RunOptions): Promise<void> {
  await ok(swarmCommands.deployStack(files, stack), "docker stack deploy", opts);
}

// Polled while waiting for the stack to converge: kept out of the log (the step logs the outcome).

/** The stack's services; none before its first deploy. */
export async function stackServices(stack: string, opts: RunOptions): Promise<SwarmService[]> {
  const quiet = { ...opts, log: undefined };
  const found = ids(await ok(swarmCommands.stackServiceIds(stack), "docker service ls", quiet));
  if (found.length === 0) return [];
  return parseServices(await ok(swarmCommands.inspectServices(found), "docker service inspect", quiet));
}

/** The ids of every task Swarm remembers for the stack; none before its first deploy. */
export async function stackTaskIds(stack: string, opts: RunOptions): Promise<string[]> {
  const r = await runArgv(swarmCommands.stackTaskIds(stack), { ...opts, log: undefined });
  // A stack with no services yet is "nothing found in stack", exit 1: not a failure here.
  if (r.exitCode !== 0 && /nothing found in stack/i.test(r.stderr)) return [];
  if (r.exitCode !== 0) throw new DockerError(`docker stack ps failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return ids(r.stdout);
}

export async function stackTasks(stack: string, opts: RunOptions): Promise<SwarmTask[]> {
  const found = await stackTaskIds(stack, opts);
  if (found.length === 0) return [];
  const r = await runArgv(swarmCommands.inspectTasks(found), { ...opts, log: undefined });
  // A task Swarm forgot between the two commands fails the inspect, which still prints the others.
  if (r.exitCode !== 0 && !r.stdout.trim().startsWith("["))
    throw new DockerError(`docker inspect of the stack's tasks failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return parseTasks(r.stdout);
}
