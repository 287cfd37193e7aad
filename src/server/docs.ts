import type { FastifyInstance } from "fastify";
import { lazyRelay } from "./lazy-relay.js";

/** Registers Swagger (the OpenAPI spec from the route schemas) and Swagger UI under /docs. */
export async function registerSwagger(app: FastifyInstance): Promise<void> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  await app.register(swagger, {
    openapi: {
      info: {
        title: "deployer",
        description: "Push-to-deploy for Docker Compose apps. /api/* needs `Authorization: Bearer <apiToken>`.",
        version: "0.1.0",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

/**
 * /docs and /openapi.json without their start-up cost: the first request builds a second, private
 * instance with Swagger and the same routes (`build`), and every docs request is answered by it.
 */
export async function lazyDocs(app: FastifyInstance, build: () => Promise<FastifyInstance>): Promise<void> {
  await lazyRelay(app, ["/openapi.json", "/docs", "/docs/*"], build);
}
