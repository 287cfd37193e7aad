import { existsSync } from "node:fs";
import { resolve } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { packageRoot } from "../../helpers/package-root.js";
import { lazyRelay } from "../lazy-relay.js";

/** The dashboard's static files: shipped in ui/ next to dist/. */
export const UI_DIR = resolve(packageRoot(import.meta.dirname), "ui");

/** A private instance that serves ui/ (built on the first dashboard request: @fastify/static is not small). */
async function staticFiles(): Promise<FastifyInstance> {
  const { default: fastifyStatic } = await import("@fastify/static");
  const files = Fastify();
  await files.register(fastifyStatic, { root: UI_DIR, prefix: "/ui/", decorateReply: false, index: ["index.html"] });
  return files;
}

export async function uiRoutes(app: FastifyInstance): Promise<void> {
  if (!existsSync(UI_DIR)) return;
  await lazyRelay(app, ["/ui", "/ui/*"], staticFiles);
  app.get("/", { schema: { hide: true } }, async (_req, reply) => reply.redirect("/ui/"));
}
