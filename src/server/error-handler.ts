import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DeployerError } from "../errors.js";

/** The one place errors become HTTP answers: typed errors keep their status, the rest are 500 without details. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  if (err instanceof DeployerError) {
    if (err.statusCode >= 500) req.log.error({ err }, err.message);
    reply.code(err.statusCode).send({ error: err.message });
    return;
  }
  const status = (err as FastifyError).statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    reply.code(status).send({ error: err.message });
    return;
  }
  req.log.error({ err }, "unhandled error");
  reply.code(500).send({ error: "internal error; see the server log" });
}
