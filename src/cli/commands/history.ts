import type { Command } from "commander";
import { shortSha } from "../../helpers/short-sha.js";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor, table } from "../remote.js";

function duration(d: Deployment): string {
  if (!d.startedAt || !d.finishedAt) return "-";
  return `${((Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000).toFixed(1)}s`;
}

export function historyCommand(program: Command): void {
  program
    .command("history <app>")
    .description("the app's deployments, newest first")
    .option("-n, --limit <n>", "how many", "20")
    .option("--url <url>", "server URL")
    .action(async (app: string, opts: { limit: string }, cmd: Command) => {
      try {
        const list = await clientFor(cmd).request<Deployment[]>(
          "GET",
          `/api/deployments?app=${encodeURIComponent(app)}&limit=${Number.parseInt(opts.limit, 10) || 20}`,
        );
        table(
          ["ID", "STATUS", "TRIGGER", "SHA", "CREATED", "TOOK", "REBUILT", "ERROR"],
          list.map((d) => [
            d.id,
            d.status,
            d.trigger,
            shortSha(d.sha),
            d.createdAt,
            duration(d),
            d.rebuilt.join(",") || "-",
            d.error ?? "",
          ]),
        );
      } catch (err) {
        fail(err);
      }
    });
}
