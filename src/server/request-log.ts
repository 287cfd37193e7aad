import type { FastifyReply, FastifyRequest } from "fastify";
import { LogController } from "fastify";

/** Requests whose completion is logged at debug level only (deliveries that deployed nothing). */
const quiet = new WeakSet<object>();

/** Logs this request's completion line at debug level (so not at all at the default `info`). */
export function logQuietly(req: FastifyRequest): void {
  quiet.add(req);
}

/**
 * One log line per request, when it completes (method, url, status, time), instead of Fastify's
 * two; at debug level for the requests marked with logQuietly.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = {
      req: { method: request.method, url: request.url },
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    if (error) reply.log.error({ ...line, err: error }, "request errored");
    else if (quiet.has(request)) reply.log.debug(line, "request completed");
    else reply.log.info(line, "request completed");
  }
}
