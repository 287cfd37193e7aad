import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

/**
 * Routes whose plugins are loaded on first use, so the server starts (and idles) without them: the
 * first request to one of `paths` builds a second, private instance (`build`), and every request to
 * them is answered by it through `inject`. For GET-only, small answers (API docs, the dashboard's files).
 */
export async function lazyRelay(
  app: FastifyInstance,
  paths: string[],
  build: () => Promise<FastifyInstance>,
): Promise<void> {
  let inner: Promise<FastifyInstance> | undefined;
  const relay = async (req: FastifyRequest, reply: FastifyReply) => {
    inner ??= build().then(async (d) => {
      await d.ready();
      return d;
    });
    const method = req.method === "HEAD" ? "HEAD" : "GET";
    const res = await (await inner).inject({ method, url: req.url, headers: req.headers });
    for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) reply.header(k, v);
    return reply.code(res.statusCode).send(res.rawPayload);
  };
  const hidden = { schema: { hide: true } };
  for (const path of paths) app.get(path, hidden, relay);
  app.addHook("onClose", async () => {
    if (inner) await (await inner).close();
  });
}
