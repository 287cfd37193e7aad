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

/** A body and its headers, serialised once. */
interface Prepared {
  json: string;
  headers: string[];
}

function prepare(body: unknown, extra?: Record<string, string>): Prepared {
  const json = JSON.stringify(body);
  const headers = [...FIXED_HEADERS, "content-length", String(Buffer.byteLength(json))];
  if (extra) for (const [k, v] of Object.entries(extra)) headers.push(k, v);
  return { json, headers };
}

// Answers intake hands out again (an ignored push's, by reason) are serialised once.
const prepared = new WeakMap<WebhookAnswer, Prepared>();

function preparedAnswer(a: WebhookAnswer): Prepared {
  if (!a.shared) return prepare(a.body);
  let p = prepared.get(a);
  if (!p) {
    p = prepare(a.body);
    prepared.set(a, p);
  }
  return p;
}

/** One delivery's exchange: what the answer and its log line need. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  log: Logger;
  started: number;
}

function send(x: Exchange, status: number, p: Prepared, quiet: boolean): void {
  const { req, res, log } = x;
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, p.headers);
  res.end(p.json);
  // The line Fastify's request log would write; a delivery that deployed nothing is logged at debug.
  const level = quiet ? "debug" : "info";
  if (!log.isLevelEnabled(level)) return;
  const line = { req: { method: req.method, url: req.url }, res: { statusCode: status } };
  log[level]({ ...line, responseTime: performance.now() - x.started }, "request completed");
}

function answered(x: Exchange, a: WebhookAnswer): void {
  send(x, a.status, preparedAnswer(a), a.quiet);
}

function failed(x: Exchange, err: Error): void {
  const a = errorAnswer(err);
  if (a.logIt) x.log.error({ err }, "webhook errored");
  send(x, a.status, prepare(a.body, a.headers), false);
}

function tooLarge(x: Exchange, bodyLimit: number): void {
  const body = { error: `request body is too large (the limit is ${bodyLimit} bytes)` };
  send(x, 413, prepare(body, { connection: "close" }), false);
  x.req.destroy();
}

/**
 * `POST /webhook` answered straight from node:http, in front of Fastify: the endpoint that must keep up
 * with a forge's bursts skips the framework's routing, hooks and serialisers (a third of its cost per
 * delivery, measured). The checks are the ones the Fastify route uses (the guard before the body, the
 * body limit, the proof over the raw bytes, the same answers); other requests go on to Fastify.
 * Returns false for a request it does not take.
 *
 * Per delivery it allocates little (every allocation is GC time at 10,000 deliveries a second): three
 * listeners, one log line at most, and a promise only for a push that must be stored.
 */
export function webhookFastPath(receiver: Receiver, bodyLimit: number, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!isDelivery(req)) return false;
    const x: Exchange = { req, res, log, started: performance.now() };
    const ip = req.socket.remoteAddress ?? "";
    let admission: ReturnType<Receiver["guard"]["admit"]>;
    try {
      admission = receiver.guard.admit(req.headers, ip);
    } catch (err) {
      failed(x, err as Error);
      req.resume();
      return true;
    }
    // The budget is for bodies being read: it comes back once this one is read, or when the request
    // closes first (aborted, cut off by a timeout, or answered early).
    req.on("close", admission.release);
    if (Number(req.headers["content-length"]) > bodyLimit) {
      tooLarge(x, bodyLimit);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > bodyLimit) return tooLarge(x, bodyLimit);
      chunks.push(chunk);
    });
    req.on("end", () => {
      admission.release();
      if (size > bodyLimit) return;
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      try {
        const result = receiveWebhook(receiver, admission.adapter, { headers: req.headers, body, ip }, log);
        if (result instanceof Promise)
          result.then(
            (a) => answered(x, a),
            (err: Error) => failed(x, err),
          );
        else answered(x, result);
      } catch (err) {
        failed(x, err as Error);
      }
    });
    return true;
  };
}
