import type { Command } from "commander";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor } from "../remote.js";

export function approveCommand(program: Command): void {
  program
    .command("approve <id>")
    .description("approve a deployment waiting for approval (apps with `approve: true`)")
    .option("--url <url>", "server URL")
    .action(async (id: string, _opts, cmd: Command) => {
      try {
        const d = await clientFor(cmd).request<Deployment>(
          "POST",
          `/api/deployments/${encodeURIComponent(id)}/approve`,
        );
        console.log(`${d.id} approved: ${d.app} at ${d.sha} is ${d.status}`);
      } catch (err) {
        fail(err);
      }
    });
}
