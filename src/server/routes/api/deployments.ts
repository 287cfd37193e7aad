import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../../engine/runtime.js";
import { NotFoundError } from "../../../errors.js";
import { streamLog } from "../../log-stream.js";
import { apiErrors, bearerSecurity, deploymentSchema, errorSchema } from "../../schemas.js";

const idParams = { type: "object", properties: { id: { type: "string" } }, required: ["id"] } as const;

const listSchema = {
  summary: "Deployments, newest first",
  security: bearerSecurity,
  querystring: {
    type: "object",
    properties: { app: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 1000, default: 50 } },
  },
  response: { 200: { type: "array", items: deploymentSchema }, ...apiErrors },
};

const oneSchema = {
  summary: "One deployment with its steps and reports",
  security: bearerSecurity,
  params: idParams,
  response: { 200: deploymentSchema, ...apiErrors },
};

const logSchema = {
  summary: "Log of every command run, with its output",
  description: "text/plain; with follow=1, Server-Sent Events (one `data:` per line) until the deployment ends.",
  security: bearerSecurity,
  params: idParams,
  querystring: { type: "object", properties: { follow: { type: "string", description: "1 or true to stream" } } },
  produces: ["text/plain", "text/event-stream"],
};

const cancelSchema = {
  summary: "Cancel a queued or running deployment",
  security: bearerSecurity,
  params: idParams,
  response: { 200: deploymentSchema, 409: errorSchema, ...apiErrors },
};

/** /api/deployments: history, one deployment, its log (plain or followed as SSE), cancelling. */
export async function deploymentRoutes(app: FastifyInstance, { runtime }: { runtime: Runtime }): Promise<void> {
  const { store, steps, logs, queue, outbox } = runtime;
  const getDeployment = (id: string) => {
    const d = store.get(id);
    if (!d) throw new NotFoundError(`deployment ${id} not found`);
    return { ...d, steps: steps.list(id), reports: outbox.list(id) };
  };

  // Live log streams would hold app.close() open until their deployments end.
  const streams = new Set<() => void>();
  app.addHook("preClose", async () => {
    for (const end of streams) end();
  });

  app.get<{ Querystring: { app?: string; limit?: number } }>("/deployments", { schema: listSchema }, async (req) =>
    store.list({ app: req.query.app, limit: req.query.limit }),
  );

  app.get<{ Params: { id: string } }>("/deployments/:id", { schema: oneSchema }, async (req) =>
    getDeployment(req.params.id),
  );

  app.get<{ Params: { id: string }; Querystring: { follow?: string } }>(
    "/deployments/:id/log",
    { schema: logSchema },
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

  app.post<{ Params: { id: string } }>("/deployments/:id/cancel", { schema: cancelSchema }, async (req) =>
    queue.cancel(req.params.id),
  );
}
