import { dockerArgv } from "./docker.js";
import type { Argv } from "./exec.js";

/**
 * The argv of every Swarm command deployer runs, as pure functions (no I/O); runners/swarm.ts runs
 * exactly these. Names (the stack, image references, files) come from deployer's config and its own
 * derived compose file, and are passed as separate arguments, never through a shell.
 */
export const swarmCommands = {
  /** `active true` on a swarm manager; `inactive false` on a plain engine. */
  nodeState: (): Argv => dockerArgv("info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"),
  push: (ref: string): Argv => dockerArgv("push", ref),
  /**
   * --with-registry-auth: the nodes pull with the manager's registry login. --prune: services the
   * compose files no longer have go, as `up --remove-orphans` removes a recreate app's orphans.
   */
  deployStack: (files: string[], stack: string): Argv =>
    dockerArgv("stack", "deploy", "--with-registry-auth", "--prune", ...files.flatMap((f) => ["-c", f]), stack),
  /** The ids of the stack's services, found by the label `docker stack deploy` gives them. */
  stackServiceIds: (stack: string): Argv =>
    dockerArgv("service", "ls", "-q", "--filter", `label=com.docker.stack.namespace=${stack}`),
  inspectServices: (ids: string[]): Argv => dockerArgv("service", "inspect", ...ids),
  /** Every task of the stack Swarm still remembers (running, and the history of each slot). */
  stackTaskIds: (stack: string): Argv => dockerArgv("stack", "ps", "-q", "--no-trunc", stack),
  inspectTasks: (ids: string[]): Argv => dockerArgv("inspect", "--type", "task", ...ids),
};
