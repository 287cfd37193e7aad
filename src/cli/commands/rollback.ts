import type { Command } from "commander";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor, waitFor } from "../remote.js";

export function rollbackCommand(program: Command): void {
  program
    .command("rollback <app>")
    .description("roll back to the previous succeeded commit (or --to), reusing its images")
    .option("--to <sha>", "roll back to this commit")
    .option("--wait", "follow the log; exit 0 only on success")
    .option("--url <url>", "server URL")
    .action(async (app: string, opts: { to?: string; wait?: boolean }, cmd: Command) => {
      try {
        const client = clientFor(cmd);
        const d = await client.request<Deployment>(
          "POST",
          `/api/apps/${encodeURIComponent(app)}/rollback`,
          opts.to ? { to: opts.to } : {},
        );
        console.log(`${d.id} queued: rollback of ${d.app} to ${d.sha}`);
        if (opts.wait) await waitFor(client, d);
      } catch (err) {
        fail(err);
      }
    });
}
