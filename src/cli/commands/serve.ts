import type { Command } from "commander";
import { projectClashes } from "../../config/app-compose.js";
import type { Config } from "../../config/types.js";
import { startCatchUp } from "../../engine/catch-up.js";
import { createRuntime } from "../../engine/runtime.js";
import { ConfigError } from "../../errors.js";
import { Secrets } from "../../helpers/secrets.js";
import { createLogger } from "../../logger.js";
import { caddyReloadWarning } from "../../proxies/caddy-reload-check.js";
import { type ComposeCli, detectCompose } from "../../runners/compose.js";
import { buildServer } from "../../server/app.js";
import { fail, requireConfig } from "../context.js";

/** Whether `host` is a loopback address: only there may the server take unsigned webhooks. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const NO_COMPOSE = "Docker Compose not found: install `docker compose` (v2) or `docker-compose` (v1)";

/**
 * A Compose CLI that detection, started now, fills in while the server starts and answers (the queue
 * is held until then); `found` says whether it found one. Buffered log lines are flushed on exit.
 */
function composeInBackground(preference: "auto" | "v1" | "v2"): { compose: ComposeCli; found: Promise<boolean> } {
  const compose: ComposeCli = { version: "v2", argv: ["docker", "compose"] };
  const found = detectCompose(preference).then((c) => (c ? Object.assign(compose, c) : undefined) !== undefined);
  return { compose, found };
}

/** Refuses a config that must not serve: no secret at all, unsigned off loopback, shared Compose projects. */
function assertServable(config: Config, host: string, allowUnsigned: boolean): void {
  const anySecret = config.secret || config.secrets || Object.values(config.apps).some((a) => a.secret || a.secrets);
  if (!anySecret && !allowUnsigned) {
    throw new Error(
      "no webhook secret: set GITHUB_WEBHOOK_SECRET in .env or `secret:` in the config (or pass --allow-unsigned for local testing)",
    );
  }
  if (allowUnsigned && !isLoopback(host)) {
    throw new Error(
      `--allow-unsigned is only allowed on a loopback address (127.0.0.1, ::1, localhost), not ${host}: anyone who can reach the server could deploy`,
    );
  }
  const clashes = projectClashes(Object.values(config.apps));
  if (clashes.length > 0) throw new ConfigError(clashes.join("\n"), clashes);
}

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("run the webhook server and the deploy queue")
    .option("--host <host>", "address to listen on (default: server.host, 0.0.0.0)")
    .option("--port <port>", "port to listen on (default: server.port, 8000)", (v) => Number.parseInt(v, 10))
    .option("--allow-unsigned", "accept webhooks without a signature when no secret is set (testing only)")
    .action(async (opts: { host?: string; port?: number; allowUnsigned?: boolean }, cmd: Command) => {
      try {
        const config = requireConfig(cmd);
        const host = opts.host ?? config.server.host;
        const port = opts.port ?? config.server.port;
        assertServable(config, host, opts.allowUnsigned ?? false);
        const secrets = Secrets.fromConfig(config);
        const logger = createLogger({ file: config.logFile, level: config.logLevel, secrets });
        const { compose, found } = composeInBackground(config.compose);
        const runtime = createRuntime(config, compose, logger, { secrets });
        runtime.queue.hold();
        const app = await buildServer(runtime, { allowUnsigned: opts.allowUnsigned ?? false });
        await app.listen({ host, port });
        // Handled from the moment requests are answered, so a stop during Compose detection flushes too.
        let catchUp: { stop(): void } | undefined;
        let stopping = false;
        const shutdown = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info(`${signal}: stopping; running deployments get 30 s to finish`);
          // Stop starting new work, but keep answering webhooks (they are stored, and deploy at the
          // next start) until the running deployments end or their grace is up; then close HTTP
          // (live log streams end with it); the database closes last.
          catchUp?.stop();
          await runtime.queue.stop(30_000);
          await app.close();
          await runtime.close(0);
          process.exit(0);
        };
        process.on("SIGTERM", () => void shutdown("SIGTERM"));
        process.on("SIGINT", () => void shutdown("SIGINT"));
        if (!(await found)) await app.close().then(() => Promise.reject(new Error(NO_COMPOSE)));
        logger.info(
          `deployer serving ${Object.keys(config.apps).length} app(s) on http://${host}:${port} with compose ${compose.version} (${compose.argv.join(" ")})`,
        );
        if (opts.allowUnsigned)
          logger.warn("--allow-unsigned: forges without a configured secret are accepted unsigned");
        const caddyWarning = caddyReloadWarning(Object.values(config.apps));
        if (caddyWarning) logger.warn(caddyWarning.replace(/^warning: /, ""));
        runtime.queue.release();
        catchUp = startCatchUp(runtime);
      } catch (err) {
        fail(err);
      }
    });
}
