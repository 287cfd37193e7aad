import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ComposeTarget } from "../config/app-compose.js";
import {
  type BuildSpec,
  type ComposeCli,
  type ComposeService,
  composeCommands,
  composeOk,
  defaultImageName,
  type PortMapping,
} from "./compose.js";
import type { RunOptions } from "./exec.js";

// `compose config` costs a Compose start-up (a second or more for v1). Its answer depends only on the
// compose files and the project's .env (deployer's own environment does not change while it runs),
// so it is kept per content and asked again only when those change.
const cache = new Map<string, ComposeService[]>();
const CACHE_MAX = 64;

async function contentKey(cli: ComposeCli, target: ComposeTarget, cwd: string | undefined): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify([cli, target, cwd]));
  for (const f of [...target.files, ".env"]) {
    hash.update(`\0${f}\0`);
    hash.update(await readFile(resolve(cwd ?? ".", f)).catch(() => "(none)"));
  }
  return hash.digest("hex");
}

/** The resolved services (`compose config`): which are built and how, their ports and container names. */
export async function services(cli: ComposeCli, target: ComposeTarget, opts: RunOptions): Promise<ComposeService[]> {
  const key = await contentKey(cli, target, opts.cwd);
  const known = cache.get(key);
  if (known) return known;
  const why = `cannot read compose files ${target.files.join(", ")}: `;
  const out = await composeOk(composeCommands.config(cli, target), "config", { ...opts, quiet: true }, why);
  const parsed = parseServices(cli, target.project, out);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, parsed);
  return parsed;
}

/** The services of `compose config` output. Pure. */
export function parseServices(cli: ComposeCli, project: string, configYaml: string): ComposeService[] {
  const doc = parseYaml(configYaml) as { services?: Record<string, Record<string, unknown>> };
  return Object.entries(doc.services ?? {}).map(([name, svc]) => {
    const build = parseBuild(svc.build);
    const image = typeof svc.image === "string" ? svc.image : build ? defaultImageName(cli, project, name) : "";
    const containerName = typeof svc.container_name === "string" ? svc.container_name : undefined;
    return { name, image, build, containerName, ports: parsePorts(svc.ports) };
  });
}

const PLAIN_BUILD_KEYS = new Set(["context", "dockerfile", "args", "target"]);

export function parseBuild(raw: unknown): BuildSpec | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return { context: raw, dockerfile: "Dockerfile", plain: true };
  const b = raw as { context?: string; dockerfile?: string; args?: unknown; target?: string };
  // v1 prints args as a map, v2 may print a list of KEY=VALUE.
  const args = Array.isArray(b.args)
    ? Object.fromEntries(b.args.map((a) => String(a).split(/=(.*)/s).slice(0, 2)))
    : (b.args as Record<string, string> | undefined);
  const plain =
    Object.keys(b).every((k) => PLAIN_BUILD_KEYS.has(k)) && Object.values(args ?? {}).every((v) => v !== null);
  return { context: b.context ?? ".", dockerfile: b.dockerfile ?? "Dockerfile", args, target: b.target, plain };
}

/** Ports in either form `compose config` prints: v1's "127.0.0.1::8080/tcp", v2's long syntax. */
export function parsePorts(raw: unknown): PortMapping[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p): PortMapping[] => {
    if (typeof p === "string" || typeof p === "number") {
      const spec = String(p).replace(/\/(tcp|udp|sctp)$/, "");
      const parts = spec.split(":");
      const target = Number(parts.pop());
      const published = parts.pop() ?? "";
      return Number.isInteger(target) ? [{ hostIp: parts.join(":"), published, target }] : [];
    }
    if (p && typeof p === "object") {
      const o = p as { host_ip?: string; published?: string | number; target?: number };
      if (typeof o.target !== "number") return [];
      return [
        { hostIp: o.host_ip ?? "", published: o.published === undefined ? "" : String(o.published), target: o.target },
      ];
    }
    return [];
  });
}
