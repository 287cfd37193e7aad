import type { DockerHost } from "../config/hosts.js";
import { Cancelled, DeploySkipped, describeError, StepFailed } from "../errors.js";
import { describeHost } from "../runners/docker-host.js";
import type { Touched } from "./context.js";
import type { PipelineStep } from "./step.js";

/**
 * One step run on one host: named `<step>@<host>` (or `name`: a step that runs once, on one of the
 * hosts), its docker and Compose commands on that host's engine. What it changes is recorded under
 * the host's name, and a failure names the host.
 */
export function onHost(step: PipelineStep, host: DockerHost, name = `${step.name}@${host.name}`): PipelineStep {
  return {
    name,
    timeout: step.timeout,
    async run(ctx, found) {
      const touched = new Set<Touched>();
      try {
        return await step.run({ ...ctx, host, touched }, found);
      } catch (err) {
        if (err instanceof Cancelled || err instanceof DeploySkipped) throw err;
        throw new StepFailed(name, `on host ${describeHost(host)}: ${describeError(err)}`);
      } finally {
        for (const t of touched) ctx.touched.add(t);
        if (touched.size > 0 && ctx.hostTouches) {
          const mine = ctx.hostTouches.get(host.name) ?? new Set<Touched>();
          for (const t of touched) mine.add(t);
          ctx.hostTouches.set(host.name, mine);
        }
      }
    },
  };
}

/**
 * Host by host (or `batch` hosts at a time): each batch's hosts get `prepare` (a build, or the kept images),
 * then each release step in turn; a batch is healthy before the next one starts. The first failure stops it.
 */
export function rollout(
  prepare: PipelineStep,
  release: PipelineStep[],
  hosts: DockerHost[],
  batch: number,
): PipelineStep[] {
  const steps: PipelineStep[] = [];
  for (let i = 0; i < hosts.length; i += batch) {
    const group = hosts.slice(i, i + batch);
    for (const h of group) steps.push(onHost(prepare, h));
    for (const step of release) for (const h of group) steps.push(onHost(step, h));
  }
  return steps;
}

/** The same step on every host, in order (e.g. finalize's image tags, which live in each engine). */
export function everyHost(step: PipelineStep, hosts: DockerHost[]): PipelineStep[] {
  return hosts.map((h) => onHost(step, h));
}
