import { existsSync } from "node:fs";
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

/** The dashboard's static files: shipped in ui/ next to dist/, found from here in src/ and dist/ alike. */
export const UI_DIR = resolve(import.meta.dirname, "../../../ui");

export async function uiRoutes(app: FastifyInstance): Promise<void> {
  if (!existsSync(UI_DIR)) return;
  await app.register(fastifyStatic, { root: UI_DIR, prefix: "/ui/", decorateReply: false, index: ["index.html"] });
  app.get("/", { schema: { hide: true } }, async (_req, reply) => reply.redirect("/ui/"));
}
