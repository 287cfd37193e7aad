import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { composeTarget, projectClashes } from "../../config/app-compose.js";
import { appHosts } from "../../config/hosts.js";
import type { AppConfig } from "../../config/types.js";
import { appBranch } from "../../engine/requests.js";
import { ConfigError } from "../../errors.js";
import { trafficProblems } from "../../pipeline/traffic-rules.js";
import { caddyReloadWarning } from "../../proxies/caddy-reload-check.js";
import { detectCompose } from "../../runners/compose.js";
import { services } from "../../runners/compose-config.js";
import { dockerAvailable } from "../../runners/docker.js";
import { describeHost, onEngine, unreachable } from "../../runners/docker-host.js";
import { run } from "../../runners/exec.js";
import * as git from "../../runners/git.js";
import { registryUnreachable } from "../../runners/registry.js";
import { swarmManager } from "../../runners/swarm.js";
import { requireConfig } from "../context.js";

/** Every problem the config and this host have, one line each. */
export async function findProblems(
  cmd: Command,
): Promise<{ problems: string[]; summary: string; warnings?: string[] }> {
  let config: ReturnType<typeof requireConfig>;
  try {
    config = requireConfig(cmd);
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems, summary: "" };
    throw err;
  }
  const problems: string[] = [];
  const gitOk =
    (await run("git", ["--version"], { step: "check", timeoutMs: 10_000 }).catch(() => undefined))?.exitCode === 0;
  if (!gitOk) problems.push("git: not found on PATH");
  if (!(await dockerAvailable()))
    problems.push("docker: no Docker engine answers `docker info` (is dockerd running, and may this user use it?)");
  const compose = await detectCompose(config.compose);
  if (!compose) problems.push("compose: neither `docker compose` (v2) nor `docker-compose` (v1) works");
  if (!config.secret) problems.push(`${config.file}: secret: no webhook secret (set GITHUB_WEBHOOK_SECRET)`);

  problems.push(...projectClashes(Object.values(config.apps)));
  for (const app of Object.values(config.apps)) {
    const opts = { cwd: app.path, step: "check", timeoutMs: 30_000 };
    let files: string[] = [];
    try {
      ({ files } = composeTarget(app));
    } catch (err) {
      problems.push(`apps.${app.name}: ${(err as Error).message}`);
    }
    for (const f of files) {
      if (!existsSync(resolve(app.path, f)))
        problems.push(`apps.${app.name}: compose file ${f} not found in ${app.path}`);
    }
    if (app.zeroDowntime && compose) {
      const zd = app.zeroDowntime;
      const found = await services(compose, composeTarget(app), opts).catch((e: Error) => {
        problems.push(`apps.${app.name}: ${e.message}`);
        return undefined;
      });
      const service = found?.find((s) => s.name === zd.service);
      if (found) for (const p of trafficProblems(service, zd)) problems.push(`apps.${app.name}.zeroDowntime: ${p}`);
    }
    problems.push(...(await hostProblems(app)));
    if (app.strategy === "swarm") problems.push(...(await swarmProblems(app)));
    else problems.push(...(await registryProblems(app)));
    const branch = await appBranch(app).catch(() => undefined);
    if (!branch) problems.push(`apps.${app.name}.branch: not set and the checkout is not on a branch`);
    else if (gitOk) {
      const head = await git.remoteHead(branch, opts).catch((e: Error) => {
        problems.push(`apps.${app.name}: cannot reach origin: ${e.message}`);
        return null;
      });
      if (head === undefined) problems.push(`apps.${app.name}.branch: branch ${branch} does not exist on origin`);
    }
  }
  const warnings = weakTokenWarnings(config.apiToken, config.file);
  const caddyWarning = caddyReloadWarning(Object.values(config.apps));
  if (caddyWarning) warnings.push(caddyWarning);
  const summary = `${config.file}: ${Object.keys(config.apps).length} app(s); compose ${compose ? `${compose.version} (${compose.argv.join(" ")})` : "missing"}`;
  return { problems, summary, warnings };
}

/** Each of the app's hosts must answer `docker info` through its own DOCKER_HOST or context. */
async function hostProblems(app: AppConfig): Promise<string[]> {
  const hosts = appHosts(app) ?? [];
  const answers = await Promise.all(hosts.map((h) => unreachable(h)));
  return hosts.flatMap((h, i) => {
    const why = answers[i];
    return why ? [`apps.${app.name}.hosts: host ${describeHost(h)} is unreachable: ${why}`] : [];
  });
}

/** A swarm app's engine must be a swarm manager (`docker stack deploy` runs there), and its registry must answer. */
async function swarmProblems(app: AppConfig): Promise<string[]> {
  const host = appHosts(app)?.[0];
  const problems: string[] = [];
  const engine = host ? `host ${describeHost(host)}` : "the local engine";
  const state = await swarmManager(onEngine({ step: "check", timeoutMs: 30_000 }, host));
  if (!state.manager)
    problems.push(
      `apps.${app.name}.strategy: swarm needs a swarm manager, and ${engine} is ${state.why} (\`docker swarm init\` makes a one-node swarm)`,
    );
  problems.push(...(await registryProblems(app)));
  return problems;
}

/** An app's registry (Swarm's, or the one its hosts pull from) must answer. */
async function registryProblems(app: AppConfig): Promise<string[]> {
  const why = app.registry ? await registryUnreachable(app.registry) : undefined;
  return why ? [`apps.${app.name}.registry: ${app.registry} is unreachable: ${why}`] : [];
}

/** An API token short enough to guess (or typed by hand): a warning, since the API still works. */
export const MIN_TOKEN_LENGTH = 32;
export function weakTokenWarnings(token: string | undefined, file: string): string[] {
  if (!token || token.length >= MIN_TOKEN_LENGTH) return [];
  return [
    `warning: ${file}: apiToken: the API token is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} random ones (\`openssl rand -hex 32\`)`,
  ];
}

export function checkCommand(program: Command): void {
  program
    .command("check")
    .description("validate the config and check git, Docker and Compose; exits 1 on any problem")
    .action(async (_opts, cmd: Command) => {
      const { problems, summary, warnings = [] } = await findProblems(cmd);
      for (const w of warnings) console.log(w);
      for (const p of problems) console.log(p);
      if (problems.length > 0) process.exit(1);
      console.log(`ok: ${summary}`);
    });
}
