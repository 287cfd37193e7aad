import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import type { Config } from "../../config/types.js";
import { UnauthorizedError } from "../../errors.js";
import { hasValidToken } from "../auth.js";

export interface ApiAuthOptions {
  config: Pick<Config, "apiToken">;
  /** Failed authentications allowed per address per minute before 429. */
  maxAuthFailures: number;
}

/**
 * Bearer-token check and failed-authentication limiter for every route of the scope that registers it
 * (the /api prefix), including its catch-all for unknown paths.
 */
async function apiAuth(app: FastifyInstance, { config, maxAuthFailures }: ApiAuthOptions): Promise<void> {
  // The limiter's allow-list and the auth hook both ask; hash the token once per request.
  const verdicts = new WeakMap<object, boolean>();
  const authorized = (req: FastifyRequest) => {
    let ok = verdicts.get(req);
    if (ok === undefined) {
      ok = hasValidToken(req, config.apiToken);
      verdicts.set(req, ok);
    }
    return ok;
  };

  // Only requests without a valid token count: a client with the token is never limited.
  await app.register(rateLimit, {
    global: false,
    max: maxAuthFailures,
    timeWindow: 60_000,
    allowList: (req) => authorized(req),
    errorResponseBuilder: (_req, ctx) =>
      Object.assign(new Error(`too many failed authentications; retry in ${ctx.after}`), { statusCode: 429 }),
  });
  // The limiter must run before the token check, or a failed check would never be counted.
  app.addHook("onRequest", app.rateLimit());
  app.addHook("onRequest", async (req) => {
    if (!config.apiToken) throw new UnauthorizedError("the API is disabled: set apiToken (DEPLOYER_API_TOKEN)");
    if (!authorized(req)) throw new UnauthorizedError("missing or invalid Bearer token");
  });
}

// Not encapsulated: the hooks land in the registering scope (the /api prefix), so they cover its
// sibling route plugins too.
export const apiAuthPlugin = fp(apiAuth, { name: "api-auth" });
