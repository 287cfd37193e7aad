import { createServer } from "node:http";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Runtime } from "../engine/runtime.js";
import { fullGc, idleGc } from "../helpers/idle-gc.js";
import { lazyDocs, registerSwagger } from "./docs.js";
import { errorHandler } from "./error-handler.js";
import { securityHeaders } from "./plugins/security-headers.js";
import { RequestLog } from "./request-log.js";
import { apiRoutes } from "./routes/api/index.js";
import { healthRoutes } from "./routes/health.js";
import { uiRoutes } from "./routes/ui.js";
import { WEBHOOK_BODY_LIMIT, webhookRoutes } from "./routes/webhook.js";
import { webhookFastPath } from "./webhook/fast-path.js";
import { type WebhookLimits, webhookGuard } from "./webhook/guard.js";
import type { Receiver } from "./webhook/receive.js";

export interface ServerOptions {
  allowUnsigned?: boolean;
  maxAuthFailures?: number;
  /** Webhook limits; see WebhookOptions. */
  webhook?: Partial<WebhookLimits>;
  /** "eager": Swagger registered at once (the private docs instance); default: on first use. */
  docs?: "eager" | "lazy";
}

/**
 * Timeouts for slow clients. GitHub gives up on a delivery after 10 s, so a request still sending its
 * headers or body after that is cut off; idle keep-alive sockets close after 5 s. `requestTimeout`
 * covers receiving a request only, so long answers (log streams) are not affected.
 */
export const HTTP_TIMEOUTS = { requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 } as const;

/** The HTTP server: routes only translate between HTTP and the engine. */
export async function buildServer(runtime: Runtime, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const receiver: Receiver = {
    runtime,
    allowUnsigned: opts.allowUnsigned ?? false,
    guard: webhookGuard({
      config: runtime.config,
      bodyLimit: WEBHOOK_BODY_LIMIT,
      maxSignatureFailures: opts.webhook?.maxSignatureFailures ?? 20,
      maxBodies: opts.webhook?.maxBodies ?? 32,
      maxBodyBytes: opts.webhook?.maxBodyBytes ?? 64 * 1024 * 1024,
    }),
  };
  const fastPath = webhookFastPath(receiver, WEBHOOK_BODY_LIMIT, runtime.logger);
  const app = Fastify({
    // Deliveries are answered before Fastify sees them (fast-path.ts); everything else is Fastify's.
    serverFactory: (handler) => {
      const idle = idleGc({
        collect: () => {
          fullGc()?.();
          runtime.releaseMemory();
        },
      });
      const server = createServer({ requestTimeout: HTTP_TIMEOUTS.requestTimeout }, (req, res) => {
        idle.seen();
        if (!fastPath(req, res)) handler(req, res);
      });
      server.on("close", idle.stop);
      server.keepAliveTimeout = HTTP_TIMEOUTS.keepAliveTimeout;
      server.headersTimeout = HTTP_TIMEOUTS.headersTimeout;
      return server;
    },
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // Liveness probes and the docs UI would drown the log; webhook and API calls stay as an audit trail.
    logController: new RequestLog({
      disableRequestLogging: (req) => req.url === "/healthz" || req.url.startsWith("/docs"),
    }),
    trustProxy: false,
    // The route schemas are this code's own (and /docs lists them): checking each against JSON Schema's
    // meta-schema compiled that meta-schema at every start, an eighth of the start-up.
    ajv: { customOptions: { validateSchema: false } },
  });
  await app.register(securityHeaders);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no route ${req.method} ${req.url.split("?")[0]}` });
  });

  // Swagger is loaded on the first /docs request, by a second instance with the same routes.
  if (opts.docs === "eager") await registerSwagger(app);
  else await lazyDocs(app, () => buildServer(runtime, { ...opts, docs: "eager" }));

  await app.register(healthRoutes);
  await app.register(uiRoutes);
  await app.register(webhookRoutes, { receiver });
  await app.register(apiRoutes, { prefix: "/api", runtime, maxAuthFailures: opts.maxAuthFailures ?? 20 });
  return app;
}
