import type { FastifyInstance } from "fastify";
import { approveDeployment } from "../../../engine/approval.js";
import type { Runtime } from "../../../engine/runtime.js";
import { apiErrors, bearerSecurity, deploymentSchema, errorSchema } from "../../schemas.js";

const approveSchema = {
  summary: "Approve a deployment waiting for approval (apps with `approve: true`)",
  security: bearerSecurity,
  params: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  response: { 200: deploymentSchema, 409: errorSchema, ...apiErrors },
};

/** POST /api/deployments/:id/approve: a `waiting` deployment becomes `queued`; anything else is 409. */
export async function approveRoutes(app: FastifyInstance, { runtime }: { runtime: Runtime }): Promise<void> {
  app.post<{ Params: { id: string } }>("/deployments/:id/approve", { schema: approveSchema }, async (req) =>
    approveDeployment(runtime, req.params.id, "api"),
  );
}
