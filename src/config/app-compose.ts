import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import type { AppConfig } from "./types.js";

export interface ComposeTarget {
  /** Compose files, relative to the app's checkout. */
  files: string[];
  /** Compose project name (sanitised). */
  project: string;
}

/**
 * Which compose files and project name an app deploys with.
 * Honours the old script's per-app `.env`: DEBUG=true picks the dev file, COLOR prefixes the project.
 * Read at every deploy, since that `.env` lives in the checkout and may change.
 */
export function composeTarget(app: AppConfig): ComposeTarget {
  const envFile = resolve(app.path, ".env");
  const appEnv = existsSync(envFile) ? parseDotenv(readFileSync(envFile)) : {};
  const debug = /^(1|true|yes|on)$/i.test(appEnv.DEBUG ?? "");
  const files = app.composeFiles ?? [debug ? "docker-compose.dev.yml" : "docker-compose.prod.yml"];
  const project = sanitiseProjectName(app.project ?? `${appEnv.COLOR ?? ""}${app.name}`);
  return { files, project };
}

/** Compose accepts lowercase letters, digits, `_` and `-`, starting with a letter or digit. */
export function sanitiseProjectName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[^a-z0-9]+/, "");
  return cleaned || "app";
}
