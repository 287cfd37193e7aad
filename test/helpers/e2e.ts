import { join } from "node:path";
import { expect } from "vitest";
import { type AppFixture, createAppFixture } from "./app-fixture.js";
import { pushPayload } from "./github.js";
import { type RunningServer, startServer } from "./server.js";

/** One e2e scenario: a real app fixture and the real server deploying it. */
export interface Scenario {
  app: AppFixture;
  /** The current server; replaced by `restart()`. */
  server: RunningServer;
  /** Commits and pushes files, then sends the signed push webhook; expects 202. */
  push(files: Record<string, string | null>, message?: string): Promise<{ sha: string; id: string }>;
  /** Pushes a new version.txt and waits for a successful deploy. */
  deployVersion(version: string): Promise<string>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

type AppConfig = Record<string, unknown>;

/** `appConfig` adds to the app's config; a function gets the fixture (for its port). */
export async function scenario(
  name: string,
  appConfig: AppConfig | ((app: AppFixture) => AppConfig) = {},
): Promise<Scenario> {
  const app = await createAppFixture(name);
  const extra = typeof appConfig === "function" ? appConfig(app) : appConfig;
  const server = await startServer(join(app.root, "deployer"), {
    apps: { [name]: { repo: app.fullName, path: app.checkout, branch: "main", project: app.project, ...extra } },
  });
  const s: Scenario = {
    app,
    server,
    async push(files, message) {
      const sha = app.push(files, message);
      const res = await s.server.push(pushPayload({ fullName: app.fullName, after: sha }));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ app: name, status: "queued", sha });
      return { sha, id: res.body.id as string };
    },
    async deployVersion(version) {
      const r = await s.push({ "web/version.txt": `${version}\n` });
      const d = await s.server.waitFor(r.id);
      expect(d.status, d.error ?? "").toBe("succeeded");
      return r.sha;
    },
    async restart() {
      s.server = await s.server.restart();
    },
    async destroy() {
      await s.server.stop();
      app.destroy();
    },
  };
  return s;
}
