import { parse as parseYaml, stringify } from "yaml";
import { StepFailed } from "../errors.js";

/** Where `strategy: swarm` pushes a built service's images: `<registry>/<project>-<service>` (lowercase). */
export function registryRepository(registry: string, project: string, service: string): string {
  return `${registry}/${project}-${service.toLowerCase()}`;
}

/** A built service's image for one commit: `<registry>/<project>-<service>:<sha>`. */
export function registryImage(registry: string, project: string, service: string, sha: string): string {
  return `${registryRepository(registry, project, service)}:${sha}`;
}

/** The compose file `docker stack deploy` gets, and the image each service must end up running. */
export interface StackFile {
  yaml: string;
  /** Compose service name → image reference. */
  images: Record<string, string>;
}

type Service = Record<string, unknown> & { image?: unknown; build?: unknown; ports?: unknown };

/** v2's `compose config` prints published ports as strings; the stack file schema wants numbers. */
function numericPorts(ports: unknown): unknown {
  if (!Array.isArray(ports)) return ports;
  return ports.map((p) => {
    if (!p || typeof p !== "object") return p;
    const o = p as Record<string, unknown>;
    return typeof o.published === "string" && /^\d+$/.test(o.published) ? { ...o, published: Number(o.published) } : o;
  });
}

/**
 * Derives the stack file from `compose config` output (the app's compose files merged, its .env applied,
 * paths made absolute): each built service runs its pushed image (`built`, by service name) instead of
 * being built, since `docker stack deploy` builds nothing and its nodes can only pull. Pure.
 */
export function stackFile(configYaml: string, built: Record<string, string>): StackFile {
  const doc = (parseYaml(configYaml) ?? {}) as {
    version?: unknown;
    name?: unknown;
    services?: Record<string, Service>;
  };
  const version = doc.version === undefined ? undefined : String(doc.version);
  if (version && !version.startsWith("3"))
    throw new StepFailed(
      "stackDeploy",
      `docker stack deploy needs a version 3 compose file (or one without version:); this one is version ${version}`,
    );
  // v2's `compose config` names the project at the top; the stack is named on the command line instead.
  delete doc.name;
  const images: Record<string, string> = {};
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    const pushed = built[name];
    if (pushed) {
      svc.image = pushed;
      delete svc.build;
    }
    if (typeof svc.image !== "string" || svc.image === "")
      throw new StepFailed("stackDeploy", `service ${name} has neither image: nor build:`);
    if (svc.ports !== undefined) svc.ports = numericPorts(svc.ports);
    images[name] = svc.image;
  }
  return { yaml: stringify(doc), images };
}
