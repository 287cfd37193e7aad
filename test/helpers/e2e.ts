import { join } from "node:path";
import { expect } from "vitest";
import { type AppFixture, createAppFixture } from "./app-fixture.js";
import { pushPayload } from "./github.js";
import { type RunningServer, startServer } from "./server.js";

/** One e2e scenario: a real app fixture and the real server deploying it. */
export interface Scenario {
  app: AppFixture;
  /** The app's name in the config (unique per scenario: see names.ts). */
  name: string;
  /** The current server; replaced by `restart()`. */
  server: RunningServer;
  /** Commits and pushes files, then sends the signed push webhook; expects 202. */
  push(files: Record<string, string | null>, message?: string): Promise<{ sha: string; id: string }>;
  /** Pushes files and waits for the deploy to succeed; returns the commit. */
  deploy(files: Record<string, string | null>, message?: string): Promise<string>;
  /** Pushes a new version.txt and waits for a successful deploy. */
  deployVersion(version: string): Promise<string>;
  restart(): Promise<void>;
  /** Stops the server and starts it on the same data with `appConfig` merged into the app's config. */
  reconfigure(appConfig: AppConfig): Promise<void>;
  destroy(): Promise<void>;
}

type AppConfig = Record<string, unknown>;

export interface ScenarioOptions {
  /** Top-level config keys besides `apps`. */
  server?: Record<string, unknown>;
  /** Extra environment of the `serve` process. */
  env?: Record<string, string>;
}

const live = new Set<Scenario>();
/** Destroys every scenario a test made and did not destroy itself: e2e files call it in afterEach. */
export async function destroyScenarios(): Promise<void> {
  const all = [...live];
  live.clear();
  for (const s of all) await s.destroy();
}

/**
 * `label` names the scenario (the app gets a unique `dt-<label>-…` name); `appConfig` adds to the
 * app's config, and a function gets the fixture (for its port).
 */
export async function scenario(
  label: string,
  appConfig: AppConfig | ((app: AppFixture) => AppConfig) = {},
  opts: ScenarioOptions = {},
): Promise<Scenario> {
  const app = await createAppFixture(label);
  const name = app.name;
  const extra = typeof appConfig === "function" ? appConfig(app) : appConfig;
  const configWith = (appExtra: AppConfig) => ({
    ...opts.server,
    apps: { [name]: { repo: app.fullName, path: app.checkout, branch: "main", project: app.project, ...appExtra } },
  });
  let current = extra;
  let server: RunningServer;
  try {
    server = await startServer(join(app.root, "deployer"), configWith(extra), undefined, opts.env);
  } catch (err) {
    app.destroy();
    throw err;
  }
  const s: Scenario = {
    app,
    name,
    server,
    async push(files, message) {
      const sha = app.push(files, message);
      const res = await s.server.push(pushPayload({ fullName: app.fullName, after: sha }));
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ app: name, status: "queued", sha });
      return { sha, id: res.body.id as string };
    },
    async deploy(files, message) {
      const r = await s.push(files, message);
      const d = await s.server.waitFor(r.id);
      expect(d.status, d.error ?? "").toBe("succeeded");
      return r.sha;
    },
    deployVersion: (version) => s.deploy({ "web/version.txt": `${version}\n` }, version),
    async restart() {
      s.server = await s.server.restart();
    },
    async reconfigure(patch) {
      await s.server.stop();
      current = { ...current, ...patch };
      s.server = await s.server.restart(configWith(current));
    },
    async destroy() {
      live.delete(s);
      await s.server.stop();
      app.destroy();
    },
  };
  live.add(s);
  return s;
}

/**
 * The shared starting point of most e2e tests: a scenario whose app has `versions.length` good deploys,
 * serving the last version. Returns the scenario and the deployed commits, oldest first.
 */
export async function appWithGoodDeploys(
  label: string,
  versions: string[],
  appConfig: AppConfig | ((app: AppFixture) => AppConfig) = {},
  opts: ScenarioOptions = {},
): Promise<{ sc: Scenario; shas: string[] }> {
  const sc = await scenario(label, appConfig, opts);
  const shas: string[] = [];
  for (const v of versions) shas.push(await sc.deployVersion(v));
  if (versions.length > 0) expect(await sc.app.served()).toBe(versions.at(-1));
  return { sc, shas };
}
