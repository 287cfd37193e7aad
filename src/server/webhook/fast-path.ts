import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { errorAnswer } from "../error-answer.js";
import { isWebhookUrl, WEBHOOK_SECURITY_HEADERS } from "../plugins/security-headers.js";
import { type Receiver, receiveWebhook, type WebhookAnswer } from "./receive.js";

/** Whether a request is a delivery: `POST /webhook`, with or without a query. */
export function isDelivery(req: IncomingMessage): boolean {
  return req.method === "POST" && isWebhookUrl(req.url ?? "");
}

// Keys and values in one flat list, as writeHead takes it: no object to walk per answer.
const FIXED_HEADERS = [
  ...Object.entries(WEBHOOK_SECURITY_HEADERS).flat(),
  "content-type",
  "application/json; charset=utf-8",
];

function send(res: ServerResponse, status: number, body: unknown, extra?: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  const headers = [...FIXED_HEADERS, "content-length", String(Buffer.byteLength(json))];
  if (extra) for (const [k, v] of Object.entries(extra)) headers.push(k, v);
  res.writeHead(status, headers);
  res.end(json);
}

/**
 * `POST /webhook` answered straight from node:http, in front of Fastify: the endpoint that must keep up
 * with a forge's bursts skips the framework's routing, hooks and serialisers (a third of its cost per
 * delivery, measured). The checks are the ones the Fastify route uses (the guard before the body, the
 * body limit, the proof over the raw bytes, the same answers); other requests go on to Fastify.
 * Returns false for a request it does not take.
 *
 * Per delivery it allocates little (every allocation is GC time at 10,000 deliveries a second): one
 * log line at most, and a promise only for a push that must be stored.
 */
export function webhookFastPath(receiver: Receiver, bodyLimit: number, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!isDelivery(req)) return false;
    const started = performance.now();
    const ip = req.socket.remoteAddress ?? "";
    // The line Fastify's request log would write; a delivery that deployed nothing is logged at debug.
    const answer = (status: number, body: unknown, quiet: boolean, extra?: Record<string, string>) => {
      send(res, status, body, extra);
      const level = quiet ? "debug" : "info";
      if (!log.isLevelEnabled(level)) return;
      const line = { req: { method: req.method, url: req.url }, res: { statusCode: status } };
      log[level]({ ...line, responseTime: performance.now() - started }, "request completed");
    };
    const fail = (err: Error) => {
      const a = errorAnswer(err);
      if (a.logIt) log.error({ err }, "webhook errored");
      answer(a.status, a.body, false, a.headers);
    };
    const answered = (a: WebhookAnswer) => answer(a.status, a.body, a.quiet);
    let admission: ReturnType<Receiver["guard"]["admit"]>;
    try {
      admission = receiver.guard.admit(req.headers, ip);
    } catch (err) {
      fail(err as Error);
      req.resume();
      return true;
    }
    // The budget comes back however the exchange ends: answered, aborted, or cut off by a timeout.
    req.once("close", admission.release);
    res.once("close", admission.release);
    const tooLarge = () => {
      answer(413, { error: `request body is too large (the limit is ${bodyLimit} bytes)` }, false, {
        connection: "close",
      });
      req.destroy();
    };
    if (Number(req.headers["content-length"]) > bodyLimit) {
      tooLarge();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > bodyLimit) return tooLarge();
      chunks.push(chunk);
    });
    req.once("end", () => {
      if (size > bodyLimit) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      try {
        const result = receiveWebhook(receiver, admission.adapter, { headers: req.headers, body, ip }, log);
        if (result instanceof Promise) result.then(answered, fail);
        else answered(result);
      } catch (err) {
        fail(err as Error);
      }
    });
    return true;
  };
}
