import { randomUUID } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import type { Command } from "commander";
import { appBranch } from "../../engine/requests.js";
import * as git from "../../runners/git.js";
import { fail, requireConfig, serverUrl } from "../context.js";

export function sendTestCommand(program: Command): void {
  program
    .command("send-test <app>")
    .description("send a correctly signed push for the app's current remote head to the running server")
    .option("--url <url>", "webhook URL (default: the configured server's /webhook)")
    .action(async (name: string, opts: { url?: string }, cmd: Command) => {
      try {
        const config = requireConfig(cmd);
        const app = config.apps[name];
        if (!app) throw new Error(`no app named ${name}; configured: ${Object.keys(config.apps).join(", ")}`);
        if (!config.secret) throw new Error("no webhook secret configured, nothing to sign with");
        const gitOpts = { cwd: app.path, step: "send-test", timeoutMs: 60_000 };
        const branch = await appBranch(app);
        const sha = await git.remoteHead(branch, gitOpts);
        if (!sha) throw new Error(`branch ${branch} not found on ${name}'s origin`);
        const fullName = app.repo ?? `send-test/${name}`;
        const body = JSON.stringify({
          ref: `refs/heads/${branch}`,
          before: "0".repeat(40),
          after: sha,
          created: false,
          deleted: false,
          forced: false,
          repository: { name: fullName.split("/")[1], full_name: fullName, default_branch: branch },
          pusher: { name: "deployer send-test" },
          head_commit: null,
        });
        const url = opts.url ?? `${serverUrl(config)}/webhook`;
        const res = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-github-event": "push",
            "x-github-delivery": randomUUID(),
            "x-hub-signature-256": await sign(config.secret, body),
            "user-agent": "deployer-send-test",
          },
          body,
        }).catch((e: Error) => {
          throw new Error(`cannot reach ${url}: ${e.message}`);
        });
        console.log(`${res.status} ${await res.text()}`);
        if (!res.ok) process.exit(1);
      } catch (err) {
        fail(err);
      }
    });
}
