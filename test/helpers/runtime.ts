import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { stringify } from "yaml";
import { parseConfig } from "../../src/config/load.js";
import { createRuntime, type Runtime } from "../../src/engine/runtime.js";
import { createLogger } from "../../src/logger.js";
import type { SenderOptions } from "../../src/outbox/index.js";
import { buildServer, type ServerOptions } from "../../src/server/app.js";
import type { Deployment, DeploymentStatus } from "../../src/store/types.js";

export const SECRET = "test-webhook-secret";
export const TOKEN = "test-api-token";

export interface InProcess {
  app: FastifyInstance;
  runtime: Runtime;
  executed: Deployment[];
  close(): Promise<void>;
}

/**
 * A server in this process with a temp data dir and a recording executor instead of the pipeline,
 * for HTTP tests that need no Docker. App paths are not checked.
 */
export async function inProcessServer(
  raw: Record<string, unknown>,
  opts: {
    allowUnsigned?: boolean;
    maxAuthFailures?: number;
    execute?: (d: Deployment) => Promise<void>;
    /** How the fake run ends; default succeeded. */
    outcome?: (d: Deployment) => { status: DeploymentStatus; error?: string };
    webhook?: ServerOptions["webhook"];
    outbox?: Partial<SenderOptions>;
  } = {},
): Promise<InProcess> {
  const dir = mkdtempSync(join(tmpdir(), "deployer-it-"));
  const config = parseConfig(
    stringify({ dataDir: join(dir, "data"), logFile: null, secret: SECRET, apiToken: TOKEN, ...raw }),
    join(dir, "deployer.yml"),
    { env: {}, checkPaths: false },
  );
  const executed: Deployment[] = [];
  const runtime = createRuntime(config, { version: "v1", argv: ["docker-compose"] }, createLogger({ console: false }), {
    execute: async (d) => {
      executed.push(d);
      await (opts.execute?.(d) ?? Promise.resolve());
      const end = opts.outcome?.(d) ?? { status: "succeeded" };
      runtime.store.finish(d.id, end.status, end.error ?? null);
    },
    ...(opts.outbox ? { outbox: opts.outbox } : {}),
  });
  const app = await buildServer(runtime, opts);
  return {
    app,
    runtime,
    executed,
    async close() {
      await app.close();
      await runtime.close(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
