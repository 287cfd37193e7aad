import type { DockerHost } from "../config/hosts.js";
import { dockerCommands } from "./docker.js";
import { type RunOptions, runArgv } from "./exec.js";

/**
 * The environment that points docker and Compose at one host's engine: DOCKER_HOST or DOCKER_CONTEXT
 * (the other one emptied, which both treat as unset, so deployer's own environment cannot win), and
 * the host's env. An ssh:// engine is reached by the `ssh` that docker runs: deployer's commands have no
 * terminal (each leads its own session, stdin closed) and SSH_ASKPASS_REQUIRE=never forbids a
 * passphrase program, so a key that needs a passphrase, a password login or an unknown host key fails
 * the command at once instead of waiting for an answer.
 */
export function hostEnv(host: DockerHost): Record<string, string> {
  const engine: Record<string, string> = host.context
    ? { DOCKER_CONTEXT: host.context, DOCKER_HOST: "" }
    : host.dockerHost
      ? { DOCKER_HOST: host.dockerHost, DOCKER_CONTEXT: "" }
      : {};
  return { ...host.env, ...engine, SSH_ASKPASS_REQUIRE: "never" };
}

/** `opts` with the host's environment added (for docker and Compose commands; unchanged without a host). */
export function onEngine<T extends RunOptions>(opts: T, host: DockerHost | undefined): T {
  return host ? { ...opts, env: { ...opts.env, ...hostEnv(host) } } : opts;
}

/** How a host is named in messages: `b (ssh://deploy@10.0.0.5)`. */
export function describeHost(host: DockerHost): string {
  const where = host.context ? `context ${host.context}` : (host.dockerHost ?? "local engine");
  return `${host.name} (${where})`;
}

/** Why a host's engine does not answer `docker info` (within `timeoutMs`), or undefined when it does. */
export async function unreachable(host: DockerHost, timeoutMs = 30_000): Promise<string | undefined> {
  const r = await runArgv(dockerCommands.info(), onEngine({ step: "check", timeoutMs }, host)).catch((e: Error) => ({
    exitCode: -1,
    stderr: e.message,
    stdout: "",
  }));
  if (r.exitCode === 0) return undefined;
  const why = (r.stderr || r.stdout).trim().split("\n").slice(-2).join(" ");
  return why || `docker info exited ${r.exitCode}`;
}
