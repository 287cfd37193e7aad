import type { AppSchema, RawConfig } from "./schema.js";

export interface AppConfig extends Omit<AppSchema, "rebuildOn"> {
  name: string;
  /** Absolute path of the app's git checkout. */
  path: string;
  rebuildOn: string[];
}

export interface Config extends Omit<RawConfig, "apps"> {
  /** Absolute path of the file this config came from (or "<inline>"). */
  file: string;
  dataDir: string;
  logFile: string | null;
  apps: Record<string, AppConfig>;
}

// The old script's fixed trigger list; still the default so migrating users keep their behaviour.
export const DEFAULT_REBUILD_ON = [
  "requirements.txt",
  "Dockerfile",
  "Dockerfile.dev",
  "Dockerfile.prod",
  ".dockerignore",
  ".env",
];
