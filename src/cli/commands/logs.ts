import type { Command } from "commander";
import { escapeControl } from "../../helpers/escape.js";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor } from "../remote.js";

export function logsCommand(program: Command): void {
  program
    .command("logs <id>")
    .description("print a deployment's log")
    .option("-f, --follow", "stream it live until the deployment ends")
    .option("--url <url>", "server URL")
    .action(async (id: string, opts: { follow?: boolean }, cmd: Command) => {
      try {
        const client = clientFor(cmd);
        if (opts.follow) {
          const d = await client.follow(id, (line) => console.log(escapeControl(line)));
          console.log(escapeControl(`${d.id}: ${d.status}${d.error ? `: ${d.error}` : ""}`));
        } else {
          const text = await client.request<string>("GET", `/api/deployments/${encodeURIComponent(id)}/log`);
          process.stdout.write(text.split("\n").map(escapeControl).join("\n"));
        }
        printReports(await client.deployment(id));
      } catch (err) {
        fail(err);
      }
    });
}

/** The deployment's reports, one line each: target, event, state, attempts, last error. */
export function reportLines(d: Pick<Deployment, "reports">): string[] {
  const reports = d.reports ?? [];
  if (reports.length === 0) return [];
  const width = Math.max(...reports.map((r) => r.target.length));
  return [
    "reports:",
    ...reports.map((r) => {
      const tries = `${r.attempts} attempt${r.attempts === 1 ? "" : "s"}`;
      const error = r.lastError ? `  last error: ${r.lastError}` : "";
      return `  ${r.target.padEnd(width)}  ${r.event.padEnd(11)} ${r.state.padEnd(9)} ${tries}${error}`;
    }),
  ];
}

function printReports(d: Deployment): void {
  for (const line of reportLines(d)) console.log(escapeControl(line));
}
