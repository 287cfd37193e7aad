import { parse as parseDotenv } from "dotenv";
import { readCheckoutFile } from "../helpers/checkout-file.js";
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
  const envFile = readCheckoutFile(app.path, ".env");
  const appEnv = envFile ? parseDotenv(envFile) : {};
  const debug = /^(1|true|yes|on)$/i.test(appEnv.DEBUG ?? "");
  const files = app.composeFiles ?? [debug ? "docker-compose.dev.yml" : "docker-compose.prod.yml"];
  const project = sanitiseProjectName(app.project ?? `${appEnv.COLOR ?? ""}${app.name}`);
  return { files, project };
}

/**
 * Apps that would share a Compose project, one line each. Each app's `up --remove-orphans` would
 * remove the other's containers, so such a config must not run.
 */
export function projectClashes(apps: AppConfig[]): string[] {
  const owners = new Map<string, string>();
  const clashes: string[] = [];
  for (const app of apps) {
    let project: string;
    try {
      ({ project } = composeTarget(app));
    } catch {
      continue; // An unreadable .env fails that app's deploys, with the reason; it must not stop the server.
    }
    const other = owners.get(project);
    if (other) clashes.push(`apps.${app.name}: Compose project ${project} is also app ${other}'s; set project:`);
    owners.set(project, app.name);
  }
  return clashes;
}

/** Compose accepts lowercase letters, digits, `_` and `-`, starting with a letter or digit. */
export function sanitiseProjectName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "")
    .replace(/^[^a-z0-9]+/, "");
  return cleaned || "app";
}
