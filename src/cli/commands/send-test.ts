import type { Command } from "commander";
import { appBranch } from "../../engine/requests.js";
import { appSecrets } from "../../engine/webhook-auth.js";
import { adapterFor } from "../../forges/detect.js";
import * as git from "../../runners/git.js";
import { fail, requireConfig, serverUrl } from "../context.js";

export function sendTestCommand(program: Command): void {
  program
    .command("send-test <app>")
    .description("send a correctly signed push (in the app's forge's format) for the app's current remote head")
    .option("--url <url>", "webhook URL (default: the configured server's /webhook)")
    .action(async (name: string, opts: { url?: string }, cmd: Command) => {
      try {
        const config = requireConfig(cmd);
        const app = config.apps[name];
        if (!app) throw new Error(`no app named ${name}; configured: ${Object.keys(config.apps).join(", ")}`);
        const [secret] = appSecrets(config, app);
        if (!secret) throw new Error(`no webhook secret configured for ${name}, nothing to sign with`);
        const gitOpts = { cwd: app.path, step: "send-test", timeoutMs: 60_000 };
        const branch = await appBranch(app);
        const sha = await git.remoteHead(branch, gitOpts);
        if (!sha) throw new Error(`branch ${branch} not found on ${name}'s origin`);
        const fullName = app.repo ?? `send-test/${name}`;
        const forge = adapterFor(app.forge ?? "github");
        const { headers, body } = forge.testPush({ fullName, branch, sha, pusher: "deployer send-test" }, secret);
        const url = opts.url ?? `${serverUrl(config)}/webhook`;
        const res = await fetch(url, {
          method: "POST",
          headers: { ...headers, "user-agent": "deployer-send-test" },
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
