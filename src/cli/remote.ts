import type { Command } from "commander";
import { escapeControl } from "../helpers/escape.js";
import type { Deployment } from "../store/types.js";
import { ApiClient } from "./client.js";
import { optionalConfig, serverUrl } from "./context.js";

/** The API client for a command, from --url, the config, and DEPLOYER_API_TOKEN. */
export function clientFor(cmd: Command): ApiClient {
  const { url } = cmd.optsWithGlobals() as { url?: string };
  const config = optionalConfig(cmd);
  return ApiClient.from(config, serverUrl(config, url));
}

/** Follows a deployment's log live; exits 0 only if it succeeded. */
export async function waitFor(client: ApiClient, d: Deployment): Promise<never> {
  const final = await client.follow(d.id, (line) => console.log(escapeControl(line)));
  console.log(escapeControl(`${final.id}: ${final.status}${final.error ? `: ${final.error}` : ""}`));
  process.exit(final.status === "succeeded" ? 0 : 1);
}

/** Prints rows as aligned columns; control characters in values (file names in errors) are escaped. */
export function table(header: string[], unsafeRows: string[][]): void {
  const rows = unsafeRows.map((r) => r.map(escapeControl));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const fmt = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  console.log(fmt(header));
  for (const r of rows) console.log(fmt(r));
}
