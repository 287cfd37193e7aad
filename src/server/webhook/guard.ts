import type { IncomingHttpHeaders } from "node:http";
import type { Config } from "../../config/types.js";
import { requiresProof } from "../../engine/webhook-auth.js";
import { BadRequestError, SignatureError, TooManyRequests } from "../../errors.js";
import { detectForge } from "../../forges/detect.js";
import type { ForgeAdapter } from "../../forges/types.js";
import { FailureLimiter } from "./failure-limiter.js";

/** The limits a server can set (tests lower them). */
export interface WebhookLimits {
  /** Failed signature checks allowed per address per minute before 429. */
  maxSignatureFailures: number;
  /** Webhook bodies read at the same time, at most. */
  maxBodies: number;
  /** Bytes of webhook bodies being read at the same time, at most (unknown lengths count as `bodyLimit`). */
  maxBodyBytes: number;
}

export interface WebhookGuardOptions extends WebhookLimits {
  config: Config;
  /** Largest body accepted, in bytes. */
  bodyLimit: number;
}

/** A request let through to read its body: its forge, and the share of the body budget to give back. */
export interface Admission {
  adapter: ForgeAdapter;
  /** Gives the body budget back; safe to call more than once. */
  release(): void;
}

export interface WebhookGuard {
  /** Decides from the headers alone, before a byte of the body is read; throws the 4xx to answer. */
  admit(headers: IncomingHttpHeaders, ip: string): Admission;
  /** Records a failed signature check against the client's address. */
  failed(ip: string): void;
}

/**
 * Everything the webhook endpoint decides from the headers alone: which forge, a present and
 * well-formed proof of origin, the failure limit, and a bound on the bodies (count and bytes) being
 * read at once, so many large or slow bodies cannot exhaust memory.
 */
export function webhookGuard(opts: WebhookGuardOptions): WebhookGuard {
  const limiter = new FailureLimiter(opts.maxSignatureFailures);
  let bodies = 0;
  let bytes = 0;

  return {
    admit(headers, ip) {
      const wait = limiter.blockedFor(ip);
      if (wait > 0)
        throw new TooManyRequests(`too many failed signature checks from this address; retry in ${wait} s`, wait);
      const adapter = detectForge(headers);
      const problem = adapter.checkHeaders(headers, requiresProof(opts.config, adapter.name));
      if (problem?.status === 401) {
        limiter.fail(ip);
        throw new SignatureError(problem.reason);
      }
      if (problem) throw new BadRequestError(problem.reason);
      const length = Number(headers["content-length"]);
      const size = Number.isFinite(length) && length >= 0 ? Math.min(length, opts.bodyLimit) : opts.bodyLimit;
      // 429, not 503: the client sent too much at once; a 5xx would say deployer itself is broken.
      if (bodies >= opts.maxBodies || (bodies > 0 && bytes + size > opts.maxBodyBytes))
        throw new TooManyRequests("too many webhook bodies are being read at once; retry shortly", 1);
      bodies++;
      bytes += size;
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        bodies--;
        bytes -= size;
      };
      return { adapter, release };
    },
    failed: (ip) => limiter.fail(ip),
  };
}
