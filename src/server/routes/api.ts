import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { appStatuses } from "../../engine/app-status.js";
import { requestDeploy, requestRollback } from "../../engine/requests.js";
import type { Runtime } from "../../engine/runtime.js";
import { NotFoundError, UnauthorizedError } from "../../errors.js";
import { hasValidToken } from "../auth.js";
import { streamLog } from "../log-stream.js";
import { appSummarySchema, deploymentSchema, errorSchema } from "../schemas.js";

export interface ApiOptions {
  runtime: Runtime;
  /** Failed authentications allowed per address per minute before 429. */
  maxAuthFailures: number;
}

const security = [{ bearer: [] }];
const idParams = { type: "object", properties: { id: { type: "string" } }, required: ["id"] } as const;
const appParams = { type: "object", properties: { name: { type: "string" } }, required: ["name"] } as const;
const errors = { 401: errorSchema, 404: errorSchema };

export async function apiRoutes(app: FastifyInstance, { runtime, maxAuthFailures }: ApiOptions): Promise<void> {
  const { store, logs, queue, config } = runtime;
  // The limiter's allow-list and the auth hook both ask; hash the token once per request.
  const verdicts = new WeakMap<object, boolean>();
  const authorized = (req: FastifyRequest) => {
    let ok = verdicts.get(req);
    if (ok === undefined) {
      ok = hasValidToken(req, config.apiToken);
      verdicts.set(req, ok);
    }
    return ok;
  };

  // Only requests without a valid token count: a client with the token is never limited.
  await app.register(rateLimit, {
    global: false,
    max: maxAuthFailures,
    timeWindow: 60_000,
    allowList: (req) => authorized(req),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`too many failed authentications; retry in ${ctx.after}`), { statusCode: 429 }),
  });
  // The limiter must run before the token check, or a failed check would never be counted.
  app.addHook("onRequest", app.rateLimit());
  app.addHook("onRequest", async (req) => {
    if (!config.apiToken) throw new UnauthorizedError("the API is disabled: set apiToken (DEPLOYER_API_TOKEN)");
    if (!authorized(req)) throw new UnauthorizedError("missing or invalid Bearer token");
  });

  // Live log streams would hold app.close() open until their deployments end.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of streams) end();
  });

  // Unknown paths under /api/ pass the same limiter and token check as real ones.
  app.all("/api/*", { schema: { hide: true } }, async (req) => {
    throw new NotFoundError(`no route ${req.method} ${req.url.split("?")[0]}`);
  });

  const getDeployment = (id: string) => {
    const found = store.get(id);
    const d = found && { ...found, steps: runtime.steps.list(id) };
    if (!d) throw new NotFoundError(`deployment ${id} not found`);
    return d;
  };

  app.get(
    "/api/apps",
    {
      schema: {
        summary: "Apps with their deployed commit and health",
        security,
        response: { 200: { type: "array", items: appSummarySchema } },
      },
    },
    async () => appStatuses(runtime),
  );

  app.get<{ Querystring: { app?: string; limit?: number } }>(
    "/api/deployments",
    {
      schema: {
        summary: "Deployments, newest first",
        security,
        querystring: {
          type: "object",
          properties: { app: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 } },
        },
        response: { 200: { type: "array", items: deploymentSchema }, ...errors },
      },
    },
    async (req) => store.list({ app: req.query.app, limit: req.query.limit }),
  );

  app.get<{ Params: { id: string } }>(
    "/api/deployments/:id",
    {
      schema: {
        summary: "One deployment with its steps",
        security,
        params: idParams,
        response: { 200: deploymentSchema, ...errors },
      },
    },
    async (req) => getDeployment(req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { follow?: string } }>(
    "/api/deployments/:id/log",
    {
      schema: {
        summary: "Log of every command run, with its output",
        description: "text/plain; with follow=1, Server-Sent Events (one `data:` per line) until the deployment ends.",
        security,
        params: idParams,
        querystring: { type: "object", properties: { follow: { type: "string", description: "1 or true to stream" } } },
        produces: ["text/plain", "text/event-stream"],
      },
    },
    async (req, reply) => {
      const d = getDeployment(req.params.id);
      if (!/^(1|true|yes)$/i.test(req.query.follow ?? ""))
        return reply.type("text/plain; charset=utf-8").send(logs.read(d.id));

      reply.hijack();
      const end = streamLog(d.id, req.raw, reply.raw, { logs, store });
      streams.add(end);
      req.raw.on("close", () => streams.delete(end));
    },
  );

  app.post<{ Params: { name: string }; Body: { sha?: string; ref?: string } | undefined }>(
    "/api/apps/:name/deploy",
    {
      schema: {
        summary: "Queue a deploy (default: the head of the app's branch on origin)",
        security,
        params: appParams,
        body: {
          type: ["object", "null"],
          properties: { sha: { type: "string" }, ref: { type: "string" } },
          additionalProperties: false,
        },
        response: { 202: deploymentSchema, 400: errorSchema, ...errors },
      },
    },
    async (req, reply) => {
      const d = await requestDeploy(runtime, req.params.name, { ...req.body, actor: "api" });
      return reply.code(202).send(d);
    },
  );

  app.post<{ Params: { name: string }; Body: { to?: string } | undefined }>(
    "/api/apps/:name/rollback",
    {
      schema: {
        summary: "Queue a rollback (default: the previous succeeded commit); reuses kept images",
        security,
        params: appParams,
        body: { type: ["object", "null"], properties: { to: { type: "string" } }, additionalProperties: false },
        response: { 202: deploymentSchema, 400: errorSchema, ...errors },
      },
    },
    async (req, reply) => {
      const d = await requestRollback(runtime, req.params.name, { to: req.body?.to, actor: "api" });
      return reply.code(202).send(d);
    },
  );

  app.post<{ Params: { id: string } }>(
    "/api/deployments/:id/cancel",
    {
      schema: {
        summary: "Cancel a queued or running deployment",
        security,
        params: idParams,
        response: { 200: deploymentSchema, 409: errorSchema, ...errors },
      },
    },
    async (req) => queue.cancel(req.params.id),
  );
}
