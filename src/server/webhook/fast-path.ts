import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { errorAnswer } from "../error-answer.js";
import { SECURITY_HEADERS } from "../plugins/security-headers.js";
import { type Receiver, receiveWebhook } from "./receive.js";

/** Whether a request is a delivery: `POST /webhook`, with or without a query. */
export function isDelivery(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return req.method === "POST" && (url === "/webhook" || url.startsWith("/webhook?"));
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    ...SECURITY_HEADERS,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(json)),
  });
  res.end(json);
}

/**
 * `POST /webhook` answered straight from node:http, in front of Fastify: the endpoint that must keep up
 * with a forge's bursts skips the framework's routing, hooks and serialisers (a third of its cost per
 * delivery, measured). The checks are the ones the Fastify route uses (the guard before the body, the
 * body limit, the proof over the raw bytes, the same answers); other requests go on to Fastify.
 * Returns false for a request it does not take.
 */
export function webhookFastPath(receiver: Receiver, bodyLimit: number, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!isDelivery(req)) return false;
    const started = performance.now();
    const ip = req.socket.remoteAddress ?? "";
    let quiet = false;
    res.once("finish", () => {
      const line = {
        req: { method: req.method, url: req.url },
        res: { statusCode: res.statusCode },
        responseTime: performance.now() - started,
      };
      if (quiet) log.debug(line, "request completed");
      else log.info(line, "request completed");
    });
    const fail = (err: Error) => {
      const a = errorAnswer(err);
      if (a.logIt) log.error({ err }, "webhook errored");
      send(res, a.status, a.body, a.headers);
    };
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
      send(res, 413, { error: `request body is too large (the limit is ${bodyLimit} bytes)` }, { connection: "close" });
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
      const delivery = { headers: req.headers, body: Buffer.concat(chunks, size), ip };
      receiveWebhook(receiver, admission.adapter, delivery, log).then((answer) => {
        quiet = answer.quiet;
        send(res, answer.status, answer.body);
      }, fail);
    });
    return true;
  };
}
