import { existsSync } from "node:fs";
import type { Command } from "commander";
import { defaultConfigPath, loadConfig, readEnvironment } from "../config/load.js";
import type { Config } from "../config/types.js";
import { ConfigError } from "../errors.js";

/** The config file named by --config, DEPLOYER_CONFIG, or ./deployer.yml. */
export function configPath(cmd: Command): string {
  const opts = cmd.optsWithGlobals() as { config?: string };
  return opts.config ?? defaultConfigPath(readEnvironment());
}

export function requireConfig(cmd: Command, checkPaths = true): Config {
  return loadConfig(configPath(cmd), { checkPaths });
}

/** For commands that can work from --url alone: the config if there is one. */
export function optionalConfig(cmd: Command): Config | undefined {
  const path = configPath(cmd);
  if (!existsSync(path)) return undefined;
  return loadConfig(path, { checkPaths: false });
}

/** Where a running server answers, for commands that talk to it. */
export function serverUrl(config: Config | undefined, override?: string): string {
  if (override) return override.replace(/\/+$/, "");
  if (config?.url) return config.url.replace(/\/+$/, "");
  const host = config?.server.host ?? "127.0.0.1";
  const port = config?.server.port ?? 8000;
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

/** Prints a user-facing failure and sets a failing exit code; no stack traces for expected errors. */
export function fail(err: unknown): never {
  if (err instanceof ConfigError) for (const p of err.problems) console.error(p);
  else console.error(`error: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
}
