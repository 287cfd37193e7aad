import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, docker, dockerfile } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { pushPayload } from "../helpers/github.js";
import type { RunningServer } from "../helpers/server.js";

// Real git (bare repo as origin), real Docker engine, the real CLI server over HTTP.
describe("push to deploy (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;
  let server: RunningServer;
  const push = (files: Record<string, string | null>, message?: string) => sc.push(files, message);

  beforeAll(async () => {
    sc = await scenario("shop");
    ({ app, server } = sc);
    // First deploy builds the image (none exists yet).
    const { id } = await push({ "web/version.txt": "v2\n" }, "first deploy");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("v2");
  });

  afterAll(async () => {
    await sc?.destroy();
  });

  it("serves a code push", async () => {
    const { id, sha } = await push({ "web/version.txt": "v3\n" }, "code change");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(await app.served()).toBe("v3");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    const log = (await server.api("GET", `/api/deployments/${id}/log`)).body as string;
    expect(log).toContain("$ git fetch");
    expect(log).toContain("build web");
    // One summary line per step goes to the console and the log file.
    const logFile = readFileSync(join(server.dir, "deployer.log"), "utf8");
    for (const step of ["sync", "plan", "build", "up", "health", "finalize"]) {
      expect(logFile).toContain(`${id} ${step} ok in`);
      expect(server.output()).toContain(`${id} ${step} ok in`);
    }
  });

  it("recreates no container for a README-only push", async () => {
    const before = app.containerId();
    const { id } = await push({ "README.md": "# docs only\n", "web/notes.md": "dockerignored\n" }, "docs");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual([]);
    expect(app.containerId()).toBe(before);
    expect(await app.served()).toBe("v3");
  });

  it("rebuilds when the Dockerfile changes", async () => {
    const { id } = await push({ "web/Dockerfile": dockerfile('LABEL changed="yes"\n') }, "dockerfile");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    const image = docker("inspect", "--format", "{{.Config.Image}}", app.containerId());
    expect(docker("image", "inspect", "--format", '{{index .Config.Labels "changed"}}', image)).toBe("yes");
  });

  it("deploys the exact SHA of a force push", async () => {
    const base = app.head();
    await push({ "web/version.txt": "doomed\n" }, "to be rewritten");
    app.git(app.work, "reset", "-q", "--hard", base);
    const sha = app.commit({ "web/version.txt": "forced\n" }, "rewritten");
    app.forcePush(sha);
    const res = await server.push(pushPayload({ fullName: app.fullName, after: sha }));
    const d = await server.waitFor(res.body.id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(sha);
    expect(await app.served()).toBe("forced");
  });

  it("fails on local edits and keeps the old version serving", async () => {
    const served = await app.served();
    const headBefore = app.git(app.checkout, "rev-parse", "HEAD");
    writeFileSync(join(app.checkout, "README.md"), "edited on the server\n");
    const { id } = await push({ "web/version.txt": "never\n" }, "blocked");
    const d = await server.waitFor(id);
    expect(d.status).toBe("failed");
    expect(d.error).toContain("README.md");
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(headBefore);
    expect(await app.served()).toBe(served);
    app.git(app.checkout, "checkout", "--", "README.md");
  });

  it("leaves untracked files alone and honours REBUILD_TRIGGER until a deploy succeeds", async () => {
    writeFileSync(join(app.checkout, ".env"), "SECRET_SETTING=1\n");
    mkdirSync(join(app.checkout, "data"), { recursive: true });
    writeFileSync(join(app.checkout, "data", "db.sqlite"), "precious");
    writeFileSync(join(app.checkout, "REBUILD_TRIGGER"), "");

    // A deploy that fails keeps the trigger for the next one.
    writeFileSync(join(app.checkout, "README.md"), "edited on the server\n");
    const failed = await push({ "README.md": "# trigger 1\n" }, "docs");
    expect((await server.waitFor(failed.id)).status).toBe("failed");
    expect(existsSync(join(app.checkout, "REBUILD_TRIGGER"))).toBe(true);
    app.git(app.checkout, "checkout", "--", "README.md");

    const { id } = await push({ "README.md": "# trigger 2\n" }, "docs again");
    const d = await server.waitFor(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.rebuilt).toEqual(["web"]);
    expect(existsSync(join(app.checkout, "REBUILD_TRIGGER"))).toBe(false);
    expect(readFileSync(join(app.checkout, ".env"), "utf8")).toBe("SECRET_SETTING=1\n");
    expect(readFileSync(join(app.checkout, "data", "db.sqlite"), "utf8")).toBe("precious");
  });

  it("runs at most 2 deploys for a burst of 5 pushes and ends on the last commit", async () => {
    const ids: string[] = [];
    let last = "";
    for (let i = 1; i <= 5; i++) {
      const r = await push({ "web/version.txt": `burst-${i}\n` }, `burst ${i}`);
      ids.push(r.id);
      last = r.sha;
    }
    const finals = [];
    for (const id of ids) finals.push(await server.waitFor(id));
    const ran = finals.filter((d) => d.status !== "superseded");
    expect(ran.length).toBeLessThanOrEqual(2);
    expect(finals.at(-1)?.status).toBe("succeeded");
    expect(finals.filter((d) => d.status === "superseded").length).toBeGreaterThanOrEqual(3);
    expect(app.git(app.checkout, "rev-parse", "HEAD")).toBe(last);
    expect(await app.served()).toBe("burst-5");
  });

  it("keeps commit-tagged images of the last keepImages (5) succeeded commits only", async () => {
    const tags = docker("images", "--format", "{{.Tag}}", `${app.project}_web`)
      .split("\n")
      .filter((t) => t.startsWith("deployer-"));
    const history = (await server.api("GET", `/api/deployments?app=shop&limit=100`)).body as {
      status: string;
      sha: string;
    }[];
    const succeeded = [...new Set(history.filter((d) => d.status === "succeeded").map((d) => d.sha))];
    expect(succeeded.length).toBeGreaterThan(5);
    expect(tags.sort()).toEqual(
      succeeded
        .slice(0, 5)
        .map((sha) => `deployer-${sha}`)
        .sort(),
    );
  });
});
