import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/types.js";
import { requiresProof } from "../../engine/webhook-auth.js";
import { BadRequestError, DeployerError, SignatureError } from "../../errors.js";
import { detectForge } from "../../forges/detect.js";
import type { ForgeAdapter } from "../../forges/types.js";
import { FailureLimiter } from "./failure-limiter.js";

export interface WebhookGuardOptions {
  config: Config;
  /** Largest body accepted, in bytes. */
  bodyLimit: number;
  /** Failed signature checks allowed per address per minute before 429. */
  maxSignatureFailures: number;
  /** Webhook bodies read at the same time, at most. */
  maxBodies: number;
  /** Bytes of webhook bodies being read at the same time, at most (unknown lengths count as `bodyLimit`). */
  maxBodyBytes: number;
}

export interface WebhookGuard {
  /** The forge a request's headers named (set by the guard before the body is read). */
  forgeOf(req: FastifyRequest): ForgeAdapter;
  /** Records a failed signature check against the client's address. */
  failed(req: FastifyRequest): void;
}

class TooBusy extends DeployerError {
  // 429, not 503: the client sent too much at once; a 5xx would say deployer itself is broken.
  override readonly statusCode = 429;
}
class TooManyFailures extends DeployerError {
  override readonly statusCode = 429;
}

/**
 * Everything the webhook route decides from the headers alone, before a byte of the body is read:
 * which forge, a present and well-formed proof of origin, the failure limit, and a bound on the
 * bodies (count and bytes) being read at once, so many large or slow bodies cannot exhaust memory.
 */
export function webhookGuard(app: FastifyInstance, opts: WebhookGuardOptions): WebhookGuard {
  const limiter = new FailureLimiter(opts.maxSignatureFailures);
  const forges = new WeakMap<FastifyRequest, ForgeAdapter>();
  const held = new WeakMap<FastifyRequest, number>();
  let bodies = 0;
  let bytes = 0;
  const release = async (req: FastifyRequest) => {
    const n = held.get(req);
    if (n === undefined) return;
    held.delete(req);
    bodies--;
    bytes -= n;
  };

  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    const wait = limiter.blockedFor(req.ip);
    if (wait > 0) {
      reply.header("retry-after", String(wait));
      throw new TooManyFailures(`too many failed signature checks from this address; retry in ${wait} s`);
    }
    const adapter = detectForge(req.headers);
    const problem = adapter.checkHeaders(req.headers, requiresProof(opts.config, adapter.name));
    if (problem?.status === 401) {
      limiter.fail(req.ip);
      throw new SignatureError(problem.reason);
    }
    if (problem) throw new BadRequestError(problem.reason);
    const length = Number(req.headers["content-length"]);
    const size = Number.isFinite(length) && length >= 0 ? Math.min(length, opts.bodyLimit) : opts.bodyLimit;
    if (bodies >= opts.maxBodies || (bodies > 0 && bytes + size > opts.maxBodyBytes)) {
      reply.header("retry-after", "1");
      throw new TooBusy("too many webhook bodies are being read at once; retry shortly");
    }
    bodies++;
    bytes += size;
    held.set(req, size);
    forges.set(req, adapter);
    // onResponse and onRequestAbort miss a connection the server itself drops (a parse error after a
    // complete body, a timeout): the closing socket always ends the request or its response.
    req.raw.once("close", () => void release(req));
    reply.raw.once("close", () => void release(req));
  });
  app.addHook("onResponse", release);
  app.addHook("onRequestAbort", release);

  return {
    forgeOf: (req) => {
      const f = forges.get(req);
      if (!f) throw new SignatureError("delivery was not checked");
      return f;
    },
    failed: (req) => limiter.fail(req.ip),
  };
}
