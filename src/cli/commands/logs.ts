import type { Command } from "commander";
import { escapeControl } from "../../helpers/escape.js";
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
      } catch (err) {
        fail(err);
      }
    });
}
