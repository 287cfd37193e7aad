import type { FastifyInstance } from "fastify";
import type { Runtime } from "../../../engine/runtime.js";
import { NotFoundError } from "../../../errors.js";
import { apiAuthPlugin } from "../../plugins/api-auth.js";
import { approveRoutes } from "./approve.js";
import { appRoutes } from "./apps.js";
import { deploymentRoutes } from "./deployments.js";

export interface ApiOptions {
  runtime: Runtime;
  /** Failed authentications allowed per address per minute before 429. */
  maxAuthFailures: number;
}

/** The /api scope (register with `prefix: "/api"`): token check and limiter first, then each resource's routes. */
export async function apiRoutes(app: FastifyInstance, { runtime, maxAuthFailures }: ApiOptions): Promise<void> {
  await app.register(apiAuthPlugin, { config: runtime.config, maxAuthFailures });

  // Unknown paths under /api/ pass the same limiter and token check as real ones.
  app.all("/*", { schema: { hide: true } }, async (req) => {
    throw new NotFoundError(`no route ${req.method} ${req.url.split("?")[0]}`);
  });

  await app.register(appRoutes, { runtime });
  await app.register(deploymentRoutes, { runtime });
  await app.register(approveRoutes, { runtime });
}
