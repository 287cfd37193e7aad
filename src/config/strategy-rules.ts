import { z } from "zod";

// Which release strategy an app uses, and the config each one needs or cannot have. Kept apart from
// schema.ts: these are rules between keys, checked after each key is valid on its own.

export const STRATEGIES = ["recreate", "zeroDowntime", "swarm"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/**
 * A registry as image references name it: host[:port], then optional lowercase path components
 * (`registry.example.com:5000`, `127.0.0.1:5000/team`). No scheme: Docker decides http or https.
 */
export const registrySchema = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
    "must be host[:port][/path], e.g. registry.example.com:5000",
  );

/** The keys the rules look at; the app schema's output has them all. */
interface StrategyKeys {
  strategy?: StrategyName | undefined;
  registry?: string | undefined;
  zeroDowntime?: unknown;
  hosts?: unknown[] | undefined;
}

/** What is wrong with the app's strategy keys, each with the key to point at. */
export function strategyRuleProblems(a: StrategyKeys): { message: string; path: string }[] {
  const problems: { message: string; path: string }[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (a.strategy === "zeroDowntime" && !a.zeroDowntime)
    add("zeroDowntime", "strategy: zeroDowntime needs a zeroDowntime block (service, port, proxy)");
  if (a.strategy === "recreate" && a.zeroDowntime)
    add("strategy", "strategy: recreate and a zeroDowntime block contradict each other: drop one");
  // Without swarm, a registry means: build once, push, and let each host pull (any release strategy).
  if (a.strategy !== "swarm") return problems;
  if (!a.registry) add("registry", "strategy: swarm needs registry: host:port (the swarm's nodes pull from it)");
  if (a.zeroDowntime)
    add(
      "zeroDowntime",
      "strategy: swarm and zeroDowntime are mutually exclusive: Swarm's update_config does rolling updates",
    );
  if (a.hosts && a.hosts.length > 1)
    add(
      "hosts",
      "strategy: swarm takes at most one host, the swarm manager's engine: Swarm places the tasks on its nodes",
    );
  return problems;
}

/** The rules as a zod refinement of the app schema. */
export function strategyProblems(a: StrategyKeys, ctx: z.RefinementCtx): void {
  for (const p of strategyRuleProblems(a)) ctx.addIssue({ code: "custom", message: p.message, path: [p.path] });
}
