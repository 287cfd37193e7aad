import type { Command } from "commander";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor } from "../remote.js";

export function cancelCommand(program: Command): void {
  program
    .command("cancel <id>")
    .description("cancel a queued or running deployment")
    .option("--url <url>", "server URL")
    .action(async (id: string, _opts, cmd: Command) => {
      try {
        const d = await clientFor(cmd).request<Deployment>("POST", `/api/deployments/${encodeURIComponent(id)}/cancel`);
        console.log(d.status === "cancelled" ? `${d.id} cancelled` : `${d.id}: cancel requested (was ${d.status})`);
      } catch (err) {
        fail(err);
      }
    });
}
