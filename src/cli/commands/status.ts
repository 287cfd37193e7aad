import type { Command } from "commander";
import type { AppStatus, HostStatus } from "../../engine/app-status.js";
import { shortSha } from "../../helpers/short-sha.js";
import { fail } from "../context.js";
import { clientFor, table } from "../remote.js";

const yesNo = (v: boolean | null) => (v === null ? "-" : v ? "yes" : "no");

/** One row per app, or per host of an app with `hosts` (named `app@host`). */
function rows(a: AppStatus): string[][] {
  const last = [a.lastDeployment?.id ?? "-", a.lastDeployment?.status ?? "-", a.lastDeployment?.createdAt ?? "-"];
  const serving = [a.serving ? `${a.serving.name} (${a.serving.address})` : "-", a.serving?.since ?? "-"];
  const hosts: (HostStatus | undefined)[] = a.hosts ?? [undefined];
  return hosts.map((h) => [
    a.name,
    a.branch ?? "-",
    h ? `${h.name} (${h.engine})${h.containers === null ? " unreachable" : ""}` : "-",
    shortSha(h ? h.currentSha : a.currentSha),
    yesNo(h ? h.healthy : a.healthy),
    ...serving,
    ...last,
  ]);
}

export function statusCommand(program: Command): void {
  program
    .command("status")
    .description("a table of the apps (one row per host): deployed commit, last deployment, health")
    .option("--url <url>", "server URL")
    .action(async (_opts, cmd: Command) => {
      try {
        const apps = await clientFor(cmd).request<AppStatus[]>("GET", "/api/apps");
        table(
          ["APP", "BRANCH", "HOST", "DEPLOYED", "HEALTHY", "SERVING", "SINCE", "LAST", "STATUS", "WHEN"],
          apps.flatMap(rows),
        );
      } catch (err) {
        fail(err);
      }
    });
}
