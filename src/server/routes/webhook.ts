import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type IntakeResult, intake } from "../../engine/intake.js";
import type { Runtime } from "../../engine/runtime.js";
import { authenticate } from "../../engine/webhook-auth.js";
import { SignatureError } from "../../errors.js";
import { shortSha } from "../../helpers/short-sha.js";
import { webhookGuard } from "../plugins/webhook-guard.js";
import { logQuietly } from "../request-log.js";
import { errorSchema, webhookResponseSchema } from "../schemas.js";

export const WEBHOOK_BODY_LIMIT = 25 * 1024 * 1024;

export interface WebhookOptions {
  runtime: Runtime;
  allowUnsigned: boolean;
  /** Failed signature checks allowed per address per minute before 429 (default 20). */
  maxSignatureFailures?: number;
  /** Webhook bodies read at the same time, at most (default 32); more get 429. */
  maxBodies?: number;
  /** Bytes of webhook bodies read at the same time, at most (default 64 MiB); more get 429. */
  maxBodyBytes?: number;
}

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
    429: errorSchema,
  },
};

function answer(req: FastifyRequest, reply: FastifyReply, runtime: Runtime, result: IntakeResult) {
  switch (result.kind) {
    case "pong":
      return { message: "pong", hook_id: result.hookId, zen: result.zen };
    case "duplicate":
      return { duplicate: true, id: result.deploymentId };
    case "ignored":
      // Nothing to deploy: no line at the default level, so a flood of such pushes costs no I/O.
      logQuietly(req);
      req.log.debug({ reason: result.reason }, `webhook ignored: ${result.reason}`);
      return { ignored: result.reason };
    case "queued": {
      const d = result.deployment;
      runtime.queue.kick();
      const all = [d, ...result.also];
      for (const x of all)
        req.log.info({ app: x.app, deployment: x.id }, `${x.app} ${x.id} ${x.status} at ${shortSha(x.sha)}`);
      const also = result.also.map((a) => ({ id: a.id, app: a.app }));
      const deployments = all.map((x) => ({ id: x.id, app: x.app, status: x.status, sha: x.sha }));
      return reply.code(202).send({
        id: d.id,
        app: d.app,
        status: d.status,
        sha: d.sha,
        ...(also.length > 0 ? { also, deployments } : {}),
      });
    }
  }
}

export async function webhookRoutes(app: FastifyInstance, opts: WebhookOptions): Promise<void> {
  const { runtime, allowUnsigned } = opts;
  // Scoped to this plugin: the body stays raw bytes so the HMAC covers exactly what the forge signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) =>
    done(null, body),
  );
  const guard = webhookGuard(app, {
    config: runtime.config,
    bodyLimit: WEBHOOK_BODY_LIMIT,
    maxSignatureFailures: opts.maxSignatureFailures ?? 20,
    maxBodies: opts.maxBodies ?? 32,
    maxBodyBytes: opts.maxBodyBytes ?? 64 * 1024 * 1024,
  });

  app.post("/webhook", { bodyLimit: WEBHOOK_BODY_LIMIT, schema }, async (req, reply) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const delivery = { headers: req.headers, body };
    const adapter = guard.forgeOf(req);
    let result: IntakeResult;
    try {
      const verdict = authenticate(runtime.config, adapter, delivery, allowUnsigned);
      if (!verdict.signed) req.log.warn("accepting an unsigned webhook: the server runs with --allow-unsigned");
      result = await intake(runtime.config, runtime, adapter.parse(delivery), {
        accepts: verdict.accepts,
        commit: (write: () => IntakeResult) => runtime.commits.run(write),
      });
    } catch (err) {
      // Failed proofs count towards the client's limit, whether no secret or only another app's matched.
      if (err instanceof SignatureError) guard.failed(req);
      throw err;
    }
    return answer(req, reply, runtime, result);
  });
}
