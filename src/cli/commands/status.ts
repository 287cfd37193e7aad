import type { Command } from "commander";
import type { AppStatus } from "../../engine/app-status.js";
import { shortSha } from "../../helpers/short-sha.js";
import { fail } from "../context.js";
import { clientFor, table } from "../remote.js";

export function statusCommand(program: Command): void {
  program
    .command("status")
    .description("a table of the apps: deployed commit, last deployment, health")
    .option("--url <url>", "server URL")
    .action(async (_opts, cmd: Command) => {
      try {
        const apps = await clientFor(cmd).request<AppStatus[]>("GET", "/api/apps");
        table(
          ["APP", "BRANCH", "DEPLOYED", "HEALTHY", "SERVING", "SINCE", "LAST", "STATUS", "WHEN"],
          apps.map((a) => [
            a.name,
            a.branch ?? "-",
            shortSha(a.currentSha),
            a.healthy === null ? "-" : a.healthy ? "yes" : "no",
            a.serving ? `${a.serving.name} (${a.serving.address})` : "-",
            a.serving?.since ?? "-",
            a.lastDeployment?.id ?? "-",
            a.lastDeployment?.status ?? "-",
            a.lastDeployment?.createdAt ?? "-",
          ]),
        );
      } catch (err) {
        fail(err);
      }
    });
}
