import { imageName, type SwarmService, type SwarmTask } from "../runners/swarm-parse.js";

/** Where a stack stands against the images it must run. */
export type StackVerdict =
  | { kind: "converged"; detail: string }
  | { kind: "waiting"; why: string }
  | { kind: "failed"; why: string };

/** What the stack must converge on: Swarm service name (`<stack>_<service>`) → image reference. */
export type Expected = Record<string, string>;

// Task states that end a task that was meant to run: on the new image, that is a failed deploy.
const FAILED = new Set(["failed", "rejected"]);

function taskName(svc: SwarmService, t: SwarmTask): string {
  return t.slot === undefined ? `${svc.name} task ${t.id.slice(0, 12)}` : `${svc.name}.${t.slot}`;
}

/** Why one service is not (yet) on its image: failed (say why), waiting (say what for), or undefined when it is. */
function assessService(
  svc: SwarmService,
  image: string,
  tasks: SwarmTask[],
  before: ReadonlySet<string>,
): { failed?: string; waiting?: string } | undefined {
  const mine = tasks.filter((t) => t.serviceId === svc.id);
  // A new task of the new image that failed means it crashed, was unhealthy, or could not start; Swarm
  // restarting it does not make the deploy good.
  const crashed = mine.find((t) => !before.has(t.id) && t.image === image && FAILED.has(t.state));
  if (crashed) return { failed: `${taskName(svc, crashed)} ${crashed.state}: ${crashed.err ?? "no reason given"}` };
  const update = svc.update;
  if (svc.image !== image) {
    const how = update?.state.startsWith("rollback") ? `Swarm rolled it back (${update.message})` : "changed since";
    return { failed: `${svc.name} runs ${svc.image}, not ${image}: ${how}` };
  }
  if (update && (update.state === "paused" || update.state === "rollback_paused"))
    return { failed: `${svc.name}: update ${update.state.replace("_", " ")}: ${update.message}` };
  if (update && (update.state === "updating" || update.state === "rollback_started"))
    return { waiting: `${svc.name}: ${update.message || update.state}${pendingWhy(svc, mine)}` };
  const wanted = mine.filter((t) => t.desired === "running");
  const stray = wanted.find((t) => t.image !== image || t.state !== "running");
  if (stray) {
    const what = stray.image !== image ? `still on ${stray.image}` : stray.state;
    return { waiting: `${taskName(svc, stray)} ${what}${stray.err ? ` (${stray.err})` : ""}` };
  }
  // start-first leaves the old task running until the new one is; stop-first, until its grace period ends.
  const leaving = mine.find((t) => t.desired !== "running" && t.state === "running");
  if (leaving) return { waiting: `${taskName(svc, leaving)} (${leaving.image}) still shutting down` };
  if (svc.replicas !== undefined && wanted.length < svc.replicas)
    return { waiting: `${svc.name}: ${wanted.length}/${svc.replicas} task(s) running` };
  return undefined;
}

/** Why the service's tasks wait, e.g. `no suitable node (host-mode port already in use on 1 node)`. */
function pendingWhy(svc: SwarmService, tasks: SwarmTask[]): string {
  const stuck = tasks.find((t) => t.desired === "running" && t.state !== "running" && t.err);
  return stuck ? `; ${taskName(svc, stuck)} ${stuck.state}: ${stuck.err}` : "";
}

/**
 * Whether every service of the stack runs its expected image: the spec names it, no update or rollback
 * is in progress or paused, every task Swarm wants running runs it (running means healthy, for a service
 * with a healthcheck: Swarm holds a task in `starting` until then), as many as the service's replicas,
 * and no task of it created since `before` (the task ids seen before the deploy) failed. Pure.
 */
export function assessStack(
  expected: Expected,
  services: SwarmService[],
  tasks: SwarmTask[],
  before: ReadonlySet<string>,
): StackVerdict {
  const waiting: string[] = [];
  const done: string[] = [];
  for (const [name, ref] of Object.entries(expected)) {
    const svc = services.find((s) => s.name === name);
    if (!svc) {
      waiting.push(`${name}: no such service yet`);
      continue;
    }
    const problem = assessService(svc, imageName(ref), tasks, before);
    if (problem?.failed) return { kind: "failed", why: problem.failed };
    if (problem?.waiting) waiting.push(problem.waiting);
    else {
      const running = tasks.filter((t) => t.serviceId === svc.id && t.desired === "running").length;
      done.push(`${name} ${running}/${svc.replicas ?? running}`);
    }
  }
  if (waiting.length > 0) return { kind: "waiting", why: waiting.join("; ") };
  return { kind: "converged", detail: `${done.length} service(s) on the new image (${done.join(", ")})` };
}
