import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { SignatureError } from "../../errors.js";
import { logQuietly } from "../request-log.js";
import { errorSchema, webhookResponseSchema } from "../schemas.js";
import type { Admission } from "../webhook/guard.js";
import { type Receiver, receiveWebhook } from "../webhook/receive.js";

export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

const schema = {
  summary: "Webhook endpoint for GitHub, GitLab, Gitea, Forgejo and Bitbucket (push, tag push and ping)",
  description:
    "The forge is chosen by the headers (X-Forgejo-Event, X-Gitea-Event, X-Gitlab-Event, X-Event-Key, X-GitHub-Event). " +
    "The proof of origin is checked over the raw body with the secret of the app(s) the push is for. " +
    "A push to a configured app's branch or tag is queued (or held for approval) and answered 202 once stored.",
  response: {
    200: webhookResponseSchema,
    202: webhookResponseSchema,
    400: errorSchema,
    401: errorSchema,
    413: errorSchema,
    429: errorSchema,
  },
};

/**
 * The webhook endpoint as a Fastify route. A served `deployer` answers deliveries on its fast path
 * (server/webhook/fast-path.ts) before they reach Fastify; this route answers the same way for
 * `inject` and lists the endpoint in /docs.
 */
export async function webhookRoutes(app: FastifyInstance, opts: { receiver: Receiver }): Promise<void> {
  const { receiver } = opts;
  // Scoped to this plugin: the body stays raw bytes so the HMAC covers exactly what the forge signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  const admitted = new WeakMap<FastifyRequest, Admission>();
  const release = async (req: FastifyRequest) => admitted.get(req)?.release();
  app.addHook("onRequest", async (req, reply) => {
    const admission = receiver.guard.admit(req.headers, req.ip);
    admitted.set(req, admission);
    // onResponse and onRequestAbort miss a connection the server itself drops (a parse error after a
    // complete body, a timeout): the closing socket always ends the request or its response.
    req.raw.once("close", admission.release);
    reply.raw.once("close", admission.release);
  });
  app.addHook("onResponse", release);
  app.addHook("onRequestAbort", release);

  app.post("/webhook", { bodyLimit: WEBHOOK_BODY_LIMIT, schema }, async (req, reply) => {
    const admission = admitted.get(req);
    if (!admission) throw new SignatureError("delivery was not checked");
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = { headers: req.headers, body, ip: req.ip };
    const answer = await receiveWebhook(receiver, admission.adapter, delivery, req.log as Logger);
    if (answer.quiet) logQuietly(req);
    return reply.code(answer.status).send(answer.body);
  });
}
