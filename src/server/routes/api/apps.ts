import type { FastifyInstance } from "fastify";
import { appStatuses } from "../../../engine/app-status.js";
import { requestDeploy, requestRollback } from "../../../engine/requests.js";
import type { Runtime } from "../../../engine/runtime.js";
import { apiErrors, appSummarySchema, bearerSecurity, deploymentSchema, errorSchema } from "../../schemas.js";

const appParams = { type: "object", properties: { name: { type: "string" } }, required: ["name"] } as const;

const listSchema = {
  summary: "Apps with their deployed commit and health",
  security: bearerSecurity,
  response: { 200: { type: "array", items: appSummarySchema } },
};

const deploySchema = {
  summary: "Queue a deploy (default: the head of the app's branch on origin)",
  security: bearerSecurity,
  params: appParams,
  body: {
    type: ["object", "null"],
    properties: { sha: { type: "string" }, ref: { type: "string" } },
    additionalProperties: false,
  },
  response: { 202: deploymentSchema, 400: errorSchema, ...apiErrors },
};

const rollbackSchema = {
  summary: "Queue a rollback (default: the previous succeeded commit); reuses kept images",
  security: bearerSecurity,
  params: appParams,
  body: { type: ["object", "null"], properties: { to: { type: "string" } }, additionalProperties: false },
  response: { 202: deploymentSchema, 400: errorSchema, ...apiErrors },
};

/** /api/apps: status of every app, and queueing a deploy or rollback of one. */
export async function appRoutes(app: FastifyInstance, { runtime }: { runtime: Runtime }): Promise<void> {
  app.get("/apps", { schema: listSchema }, async () => appStatuses(runtime));

  app.post<{ Params: { name: string }; Body: { sha?: string; ref?: string } | undefined }>(
    "/apps/:name/deploy",
    { schema: deploySchema },
    async (req, reply) => {
      const d = await requestDeploy(runtime, req.params.name, { ...req.body, actor: "api" });
      return reply.code(202).send(d);
    },
  );

  app.post<{ Params: { name: string }; Body: { to?: string } | undefined }>(
    "/apps/:name/rollback",
    { schema: rollbackSchema },
    async (req, reply) => {
      const d = await requestRollback(runtime, req.params.name, { to: req.body?.to, actor: "api" });
      return reply.code(202).send(d);
    },
  );
}
