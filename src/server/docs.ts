import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

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
  let docs: Promise<FastifyInstance> | undefined;
  const relay = async (req: FastifyRequest, reply: FastifyReply) => {
    docs ??= build().then(async (d) => {
      await d.ready();
      return d;
    });
    const res = await (await docs).inject({ method: "GET", url: req.url, headers: req.headers });
    for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) reply.header(k, v);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  const hidden = { schema: { hide: true } };
  app.get("/openapi.json", hidden, relay);
  app.get("/docs", hidden, relay);
  app.get("/docs/*", hidden, relay);
  app.addHook("onClose", async () => {
    if (docs) await (await docs).close();
  });
}
