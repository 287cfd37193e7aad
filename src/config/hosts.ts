import type { AppConfig } from "./types.js";

/** A Docker engine to run an app's docker and Compose commands on: plain data, handed to the runners. */
export interface DockerHost {
  name: string;
  /** DOCKER_HOST for its commands (unix://, ssh://, tcp://). */
  dockerHost?: string | undefined;
  /** DOCKER_CONTEXT for its commands, instead of dockerHost. */
  context?: string | undefined;
  /** Extra variables for Compose (and the health URL) on this host. */
  env: Record<string, string>;
}

/** Variables every host defines for its health URL, before its own `env`. */
export const HOST_VARIABLES = ["HOST", "HOST_NAME"] as const;

/** The app's configured hosts, or undefined for the single local engine (deployer's behaviour without `hosts`). */
export function appHosts(app: Pick<AppConfig, "hosts">): DockerHost[] | undefined {
  return app.hosts?.map((h) => ({ name: h.name, dockerHost: h.docker, context: h.context, env: { ...h.env } }));
}

/** The machine a host's engine runs on, for its health URL: the ssh:// or tcp:// host name, else loopback. */
export function hostAddress(host: DockerHost): string {
  if (!host.dockerHost || host.dockerHost.startsWith("unix://")) return "127.0.0.1";
  try {
    return new URL(host.dockerHost).hostname || "127.0.0.1";
  } catch {
    return "127.0.0.1";
  }
}

/** `${HOST}`, `${HOST_NAME}` and the host's env, for its health URL. */
export function hostVars(host: DockerHost): Record<string, string> {
  return { HOST: hostAddress(host), HOST_NAME: host.name, ...host.env };
}

/** The health URL as asked of one host: its `${VAR}`s replaced (the URL is unchanged without a host). */
export function resolveHealthUrl(url: string, host: DockerHost | undefined): string {
  if (!host) return url;
  const vars = hostVars(host);
  return url.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => vars[name] ?? m);
}

/**
 * Variables that stay as `${NAME}` in an app's health URL when the config is loaded (HOST, HOST_NAME,
 * and the names of its hosts' env), read from the raw, unvalidated app entry.
 */
export function deferredHealthVars(rawApp: unknown): Set<string> {
  const names = new Set<string>();
  const hosts = (rawApp as { hosts?: unknown } | null)?.hosts;
  if (!Array.isArray(hosts)) return names;
  for (const n of HOST_VARIABLES) names.add(n);
  for (const h of hosts) {
    const env = (h as { env?: unknown } | null)?.env;
    if (env && typeof env === "object") for (const k of Object.keys(env)) names.add(k);
  }
  return names;
}
