import type { Command } from "commander";
import type { Deployment } from "../../store/types.js";
import { fail } from "../context.js";
import { clientFor, waitFor } from "../remote.js";

export function deployCommand(program: Command): void {
  program
    .command("deploy <app>")
    .description("queue a deploy of the app's branch head (or --sha) on the running server")
    .option("--sha <sha>", "deploy this commit")
    .option("--ref <ref>", "deploy the head of this branch")
    .option("--wait", "follow the log; exit 0 only on success")
    .option("--url <url>", "server URL")
    .action(async (app: string, opts: { sha?: string; ref?: string; wait?: boolean }, cmd: Command) => {
      try {
        const client = clientFor(cmd);
        const d = await client.request<Deployment>("POST", `/api/apps/${encodeURIComponent(app)}/deploy`, {
          ...(opts.sha ? { sha: opts.sha } : {}),
          ...(opts.ref ? { ref: opts.ref } : {}),
        });
        console.log(`${d.id} queued: ${d.app} at ${d.sha}`);
        if (opts.wait) await waitFor(client, d);
      } catch (err) {
        fail(err);
      }
    });
}
