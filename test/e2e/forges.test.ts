import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type AppFixture, createAppFixture, dockerfile, freePort } from "../helpers/app-fixture.js";
import { FORGES, type Forge, signedPush } from "../helpers/forges.js";
import { type RunningServer, SECRET, startServer } from "../helpers/server.js";

// Own names (f10-*) for every project, repo and directory: other suites share this Docker engine.
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
}, 120_000);

async function send(
  server: RunningServer,
  forge: Forge,
  fullName: string,
  ref: string,
  after: string,
  message?: string,
) {
  const req = signedPush(forge, { fullName, ref, after, message }, SECRET);
  const res = await fetch(`${server.url}/webhook`, { method: "POST", headers: req.headers, body: req.body });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function serve(app: AppFixture, name: string, extra: Record<string, unknown>): Promise<RunningServer> {
  const server = await startServer(join(app.root, "f10-deployer"), {
    apps: { [name]: { repo: app.fullName, path: app.checkout, project: app.project, ...extra } },
  });
  cleanups.push(() => server.stop());
  return server;
}

describe("forges, path filters, skip markers, tags and approval against the real engine", () => {
  it("deploys a push from each forge; a docs-only push and [skip deploy] deploy nothing", async () => {
    const app = await createAppFixture("f10-forge");
    cleanups.push(() => app.destroy());
    let server: RunningServer | undefined;
    for (const forge of FORGES) {
      await server?.stop();
      server = await serve(app, "f10-forge", { branch: "main", forge, ignorePaths: ["**/*.md", "docs/**"] });
      const sha = app.push({ "web/version.txt": `v-${forge}\n` }, `deploy from ${forge}`);
      const res = await send(server, forge, app.fullName, "refs/heads/main", sha);
      expect(res.status, JSON.stringify(res.body)).toBe(202);
      const d = await server.waitFor(res.body.id);
      expect(d.status, `${forge}: ${d.error}`).toBe("succeeded");
      expect(await app.served()).toBe(`v-${forge}`);
    }
    const s = server as RunningServer;
    const container = app.containerId();

    const docs = app.push({ "README.md": "# more docs\n", "docs/guide.md": "guide\n" }, "docs only");
    const dr = await send(s, "bitbucket", app.fullName, "refs/heads/main", docs);
    const skipped = await s.waitFor(dr.body.id);
    expect(skipped.status).toBe("skipped");
    expect(skipped.error).toMatch(/ignorePaths/);
    expect(app.containerId()).toBe(container);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).not.toBe(docs);

    const marked = app.push({ "web/version.txt": "v-marked\n" }, "bump version [skip deploy]");
    const mr = await send(s, "bitbucket", app.fullName, "refs/heads/main", marked, "bump version [skip deploy]");
    const m = await s.waitFor(mr.body.id);
    expect(m.status).toBe("skipped");
    expect(m.error).toMatch(/skip deploy/);
    expect(await app.served()).toBe("v-bitbucket");
    expect(app.containerId()).toBe(container);
  }, 600_000);

  it("holds an approve: true push as waiting until `deployer approve`, then deploys it", async () => {
    const app = await createAppFixture("f10-approve");
    cleanups.push(() => app.destroy());
    const server = await serve(app, "f10-approve", { branch: "main", forge: "gitea", approve: true });
    const sha = app.push({ "web/version.txt": "v-approved\n" });
    const res = await send(server, "gitea", app.fullName, "refs/heads/main", sha);
    expect(res.body).toMatchObject({ status: "waiting" });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await server.deployment(res.body.id)).status).toBe("waiting");
    expect(await app.served()).toBeUndefined();
    const cli = await server.cli("approve", res.body.id);
    expect(cli.code, cli.stderr).toBe(0);
    const d = await server.waitUntil((x) => !["waiting", "queued", "running"].includes(x.status), res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("v-approved");
  }, 300_000);

  it("deploys a matching tag at the tagged commit, and again when the tag is moved", async () => {
    const app = await createAppFixture("f10-tags");
    cleanups.push(() => app.destroy());
    const server = await serve(app, "f10-tags", { tags: "v*", forge: "gitlab" });
    const first = app.push({ "web/version.txt": "v-tag-1\n" });
    app.git(app.work, "tag", "v1.0.0", first);
    app.git(app.work, "push", "-q", "origin", "v1.0.0");
    // A later commit on main is not deployed: the tag is.
    app.push({ "web/version.txt": "v-main\n" });
    const r1 = await send(server, "gitlab", app.fullName, "refs/tags/v1.0.0", first);
    expect(r1.status).toBe(202);
    const d1 = await server.waitFor(r1.body.id);
    expect(d1.status, d1.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("v-tag-1");

    const moved = app.push({ "web/version.txt": "v-tag-2\n" });
    app.git(app.work, "tag", "-f", "v1.0.0", moved);
    app.git(app.work, "push", "-q", "--force", "origin", "v1.0.0");
    const r2 = await send(server, "gitlab", app.fullName, "refs/tags/v1.0.0", moved);
    const d2 = await server.waitFor(r2.body.id);
    expect(d2.status, d2.error ?? "").toBe("succeeded");
    expect(await app.served()).toBe("v-tag-2");
  }, 300_000);

  it("a monorepo push deploys only the app whose paths it touches", async () => {
    const app = await createAppFixture("f10-mono");
    cleanups.push(() => app.destroy());
    const apiPort = await freePort();
    mkdirSync(join(app.work, "api"), { recursive: true });
    copyFileSync("/bin/busybox", join(app.work, "api", "busybox"));
    writeFileSync(join(app.work, "api", "Dockerfile"), dockerfile());
    const compose = `services:\n  api:\n    build: ./api\n    ports: ["127.0.0.1:${apiPort}:8080"]\n`;
    app.push({ "api/version.txt": "api-1\n", "docker-compose.api.yml": compose }, "add api");
    const apiCheckout = join(app.root, "f10-mono-api");
    app.git(app.root, "clone", "-q", app.bare, apiCheckout);
    cleanups.push(() => {
      try {
        execFileSync("docker-compose", ["-f", "docker-compose.api.yml", "-p", "f10-mono-api", "down", "--rmi", "all"], {
          cwd: apiCheckout,
          stdio: "ignore",
        });
      } catch {}
    });
    const server = await startServer(join(app.root, "f10-deployer"), {
      apps: {
        "f10-mono-web": {
          repo: app.fullName,
          path: app.checkout,
          branch: "main",
          project: app.project,
          paths: ["web/**"],
        },
        "f10-mono-api": {
          repo: app.fullName,
          path: apiCheckout,
          branch: "main",
          project: "f10-mono-api",
          composeFiles: ["docker-compose.api.yml"],
          paths: ["api/**"],
        },
      },
    });
    cleanups.push(() => server.stop());
    const sha = app.push({ "api/version.txt": "api-2\n" }, "api only");
    const res = await send(server, "github", app.fullName, "refs/heads/main", sha);
    expect(res.status).toBe(202);
    const byApp = Object.fromEntries(res.body.deployments.map((d: { app: string; id: string }) => [d.app, d.id]));
    const api = await server.waitFor(byApp["f10-mono-api"]);
    const web = await server.waitFor(byApp["f10-mono-web"]);
    expect(api.status, api.error ?? "").toBe("succeeded");
    expect(web.status).toBe("skipped");
    expect(web.error).toMatch(/paths web\/\*\*/);
    const served = await fetch(`http://127.0.0.1:${apiPort}/version.txt`).then((r) => r.text());
    expect(served.trim()).toBe("api-2");
    expect(await app.served()).toBeUndefined();
  }, 300_000);
});
