import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { CORE_SCHEMA, load as loadYaml, YAMLException } from "js-yaml";
import { ConfigError } from "../errors.js";
import { deferredHealthVars } from "./hosts.js";
import { interpolate } from "./interpolate.js";
import { configSchema } from "./schema.js";
import { type AppConfig, type Config, DEFAULT_REBUILD_ON } from "./types.js";

export interface LoadOptions {
  /** Environment to read `${VAR}` and defaults from; default: `.env` in cwd under process.env. */
  env?: Record<string, string | undefined>;
  /** Check that every app path is a git checkout (default true). */
  checkPaths?: boolean;
}

/**
 * The process environment with `.env` from `dir` underneath it: a real variable wins, as with dotenv,
 * except an empty one, which counts as unset.
 */
export function readEnvironment(dir = process.cwd()): Record<string, string | undefined> {
  const file = resolve(dir, ".env");
  const env: Record<string, string | undefined> = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  for (const [name, value] of Object.entries(process.env)) if (value !== "" || !(name in env)) env[name] = value;
  return env;
}

export function defaultConfigPath(env: Record<string, string | undefined> = process.env): string {
  return env.DEPLOYER_CONFIG || "deployer.yml";
}

export function loadConfig(file: string, options: LoadOptions = {}): Config {
  const abs = resolve(file);
  if (!existsSync(abs)) {
    throw new ConfigError(`${abs}: config file not found (create one with \`deployer init\`)`);
  }
  return parseConfig(readFileSync(abs, "utf8"), abs, options);
}

export function parseConfig(text: string, file: string, options: LoadOptions = {}): Config {
  const env = options.env ?? readEnvironment();
  const fail = (problems: string[]): never => {
    const lines = problems.map((p) => `${file}: ${p}`);
    throw new ConfigError(lines.join("\n"), lines);
  };

  const tree = readYaml(text, fail) ?? {};
  const { value, problems } = interpolate(tree, env, [], [], keepHostVars(tree));
  if (problems.length > 0) fail(problems);

  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    fail(parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`));
    throw new Error("unreachable");
  }
  const raw = parsed.data;
  const base = dirname(file);
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p));

  // No prototype: an app named "constructor" or "__proto__" must not find Object's members.
  const apps: Record<string, AppConfig> = Object.create(null);
  const pathProblems: string[] = [];
  const owners = new Map<string, string>();
  for (const [name, app] of Object.entries(raw.apps)) {
    const path = at(app.path);
    const owner = owners.get(path);
    // One checkout, one queue: two apps on it would deploy over each other.
    if (owner) pathProblems.push(`apps.${name}.path: ${path} is already the path of app ${owner}`);
    owners.set(path, name);
    if (options.checkPaths !== false) {
      const problem = checkoutProblem(path);
      if (problem) pathProblems.push(`apps.${name}.path: ${path} ${problem}`);
    }
    apps[name] = { ...app, name, path, rebuildOn: app.rebuildOn ?? DEFAULT_REBUILD_ON };
  }
  if (pathProblems.length > 0) fail(pathProblems);

  const config: Config = {
    ...raw,
    file,
    dataDir: at(raw.dataDir),
    logFile: raw.logFile === null ? null : at(raw.logFile),
    secret: raw.secret ?? nonEmpty(env.GITHUB_WEBHOOK_SECRET),
    apiToken: raw.apiToken ?? nonEmpty(env.DEPLOYER_API_TOKEN),
    apps,
  };
  return deepFreeze(config);
}

/**
 * The YAML, as plain data: YAML 1.2's core schema (no dates, no merge keys, no custom tags), duplicate
 * keys refused. js-yaml, not \`yaml\`: it parses a 500-app config in about a fifth of the time, cold,
 * and start-up is when pushes can be lost (README, design notes).
 */
function readYaml(text: string, fail: (problems: string[]) => never): unknown {
  try {
    return loadYaml(text, { schema: CORE_SCHEMA });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    const at = err.mark ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : "";
    return fail([`YAML: ${err.reason}${at}`]);
  }
}

/** In `apps.<app>.healthcheck.url`, the app's host variables wait for deploy time. */
function keepHostVars(tree: unknown): (keyPath: string[], name: string) => boolean {
  const apps = (tree as { apps?: Record<string, unknown> } | null)?.apps ?? {};
  return (keyPath, name) => {
    const [top, app, block, key] = keyPath;
    if (top !== "apps" || block !== "healthcheck" || key !== "url" || keyPath.length !== 4 || !app) return false;
    return Object.hasOwn(apps, app) && deferredHealthVars(apps[app]).has(name);
  };
}

function checkoutProblem(path: string): string | undefined {
  if (!existsSync(path)) return "does not exist";
  if (!statSync(path).isDirectory()) return "is not a directory";
  if (!existsSync(resolve(path, ".git"))) return "is not a git checkout (no .git); clone the repo there first";
  return undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === "object" && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj)) deepFreeze(v);
  }
  return obj;
}
