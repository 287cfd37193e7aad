import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * What the dashboard (/ui), the API docs (/docs) and the API may do in a browser: only this origin's
 * own scripts and styles (no inline script anywhere), never framed, no MIME sniffing, no referrer.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/** Adds the security headers to every response (set last, so no route's own headers weaken them). */
export const securityHeaders = fp(async (app: FastifyInstance) => {
  app.addHook("onSend", async (_req, reply, payload) => {
    reply.headers(SECURITY_HEADERS);
    return payload;
  });
});
