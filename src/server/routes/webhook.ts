import type { FastifyInstance } from "fastify";
import { intake } from "../../engine/intake.js";
import type { Runtime } from "../../engine/runtime.js";
import { SignatureError } from "../../errors.js";
import { normalizeGitHub, parseGitHubBody, verifyGitHubSignature } from "../../forges/github.js";
import { shortSha } from "../../helpers/short-sha.js";
import { errorSchema, webhookResponseSchema } from "../schemas.js";

export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

export interface WebhookOptions {
  runtime: Runtime;
  allowUnsigned: boolean;
}

export async function webhookRoutes(app: FastifyInstance, { runtime, allowUnsigned }: WebhookOptions): Promise<void> {
  // Scoped to this plugin: the body stays raw bytes so the HMAC covers exactly what GitHub signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );

  app.post(
    "/webhook",
    {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: {
        summary: "GitHub webhook endpoint (push and ping)",
        description:
          "Signed with X-Hub-Signature-256 over the raw body. JSON or form-encoded (`payload=`). A push to a configured app's branch is queued and answered 202 once stored.",
        headers: {
          type: "object",
          properties: {
            "x-github-event": { type: "string" },
            "x-github-delivery": { type: "string" },
            "x-hub-signature-256": { type: "string" },
          },
        },
        response: { 200: webhookResponseSchema, 202: webhookResponseSchema, 400: errorSchema, 401: errorSchema },
      },
    },
    async (req, reply) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const delivery = { headers: req.headers, body };
      const { secret } = runtime.config;
      if (secret) await verifyGitHubSignature(delivery, secret);
      else if (allowUnsigned) req.log.warn("accepting an unsigned webhook: the server runs with --allow-unsigned");
      else throw new SignatureError("the server has no webhook secret configured; set GITHUB_WEBHOOK_SECRET");
      const event = normalizeGitHub(delivery, parseGitHubBody(delivery));
      const result = intake(runtime.config, runtime, event);
      switch (result.kind) {
        case "pong":
          return { message: "pong", hook_id: result.hookId, zen: result.zen };
        case "duplicate":
          return { duplicate: true, id: result.deploymentId };
        case "ignored":
          req.log.info({ reason: result.reason }, `webhook ignored: ${result.reason}`);
          return { ignored: result.reason };
        case "queued": {
          const d = result.deployment;
          runtime.queue.kick();
          req.log.info({ app: d.app, deployment: d.id }, `${d.app} ${d.id} queued at ${shortSha(d.sha)}`);
          const also = result.also.map((a) => ({ id: a.id, app: a.app }));
          return reply
            .code(202)
            .send({ id: d.id, app: d.app, status: d.status, sha: d.sha, ...(also.length > 0 ? { also } : {}) });
        }
      }
    },
  );
}
