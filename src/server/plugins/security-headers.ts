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

// Swagger UI's bundle injects one <style> element of its own; only that exact text is allowed, on /docs.
const DOCS_INLINE_STYLE = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";
const DOCS_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' ${DOCS_INLINE_STYLE}`);

export const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
};

/**
 * The webhook's answers: JSON for a forge, never a page, so the short policy that suits an API (nothing
 * may load, never framed) and nosniff. The long page policy cost a sixth of the throughput of an
 * ignored delivery (header checks, and bytes for both ends to handle; measured in docs/benchmarks.md).
 */
export const WEBHOOK_SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
};

/** Whether a request is for the webhook endpoint (`/webhook`, with or without a query). */
export const isWebhookUrl = (url: string): boolean => url === "/webhook" || url.startsWith("/webhook?");

/** Adds the security headers to every response (set last, so no route's own headers weaken them). */
export const securityHeaders = fp(async (app: FastifyInstance) => {
  app.addHook("onSend", async (req, reply, payload) => {
    reply.headers(isWebhookUrl(req.url) ? WEBHOOK_SECURITY_HEADERS : SECURITY_HEADERS);
    if (req.url.startsWith("/docs")) reply.header("content-security-policy", DOCS_POLICY);
    return payload;
  });
});
