import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DeployerError } from "../errors.js";
import { errorAnswer } from "./error-answer.js";

/** Fastify's side of errorAnswer: every error a route or hook throws becomes its JSON answer. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void {
  const answer = errorAnswer(err);
  if (answer.logIt) req.log.error({ err }, err instanceof DeployerError ? err.message : "unhandled error");
  reply.code(answer.status).headers(answer.headers).send(answer.body);
}
