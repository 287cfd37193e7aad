import { execFile } from "node:child_process";
import { readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, freePort } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { pushPayload } from "../helpers/github.js";
import { CLI, SECRET, TOKEN } from "../helpers/server.js";
import { removeImages } from "../helpers/t8-cleanup.js";

// Attacks and accidents from issue 8, against the real server, real git and a real Docker engine.
// One app (Compose project t8-trust), deployed step by step; each case leaves it serving a known version.
describe("t8 trust under attack (e2e)", () => {
  let sc: Scenario;
  let app: AppFixture;
  const shas: Record<string, string> = {};
  const responses: string[] = [];

  /** Sends a signed push for `after` under a fresh delivery id, as a replay or redelivery would. */
  const deliver = async (after: string, ref = "refs/heads/main") => {
    const res = await sc.server.push(pushPayload({ fullName: app.fullName, after, ref }));
    responses.push(JSON.stringify(res.body));
    expect(res.status).toBe(202);
    return sc.server.waitFor(res.body.id as string);
  };

  /** Commits a symlink (git stores the link, not the target) and pushes it. */
  const pushSymlink = (path: string, target: string, extra: Record<string, string | null> = {}) => {
    symlinkSync(target, join(app.work, path));
    app.git(app.work, "add", "-f", path);
    return app.push(extra, `symlink ${path}`);
  };

  beforeAll(async () => {
    sc = await scenario("t8-trust");
    app = sc.app;
    shas.a = await sc.deployVersion("A");
    shas.b = await sc.deployVersion("B");
    expect(await app.served()).toBe("B");
  });

  afterAll(async () => {
    await sc?.destroy();
    removeImages("t8-trust");
  });

  it("replay: push A, push B, redeliver A under a new delivery id: skipped, the app stays on B", async () => {
    const d = await deliver(shas.a as string);
    expect(d.status, d.error ?? "").toBe("skipped");
    expect(d.error).toMatch(/^stale: /);
    expect(await app.served()).toBe("B");
    const [current] = (await sc.server.api("GET", "/api/apps")).body;
    expect(current.currentSha).toBe(shas.b);
  });

  it("off-branch: a signed push for main whose commit exists only on another branch fails, naming why", async () => {
    app.git(app.work, "checkout", "-q", "-b", "t8-feature");
    const c = app.commit({ "web/version.txt": "FEATURE\n" }, "feature only");
    app.git(app.work, "push", "-q", "origin", "t8-feature");
    app.git(app.work, "checkout", "-q", "main");
    const d = await deliver(c);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/is not on branch main \(not reachable from origin\/main/);
    expect(await app.served()).toBe("B");
  });

  it("hostile repo: a .dockerignore symlinked to /dev/zero fails the deploy, the server stays up", async () => {
    app.git(app.work, "rm", "-q", "web/.dockerignore");
    const sha = pushSymlink("web/.dockerignore", "/dev/zero", { "web/version.txt": "ZERO\n" });
    const d = await deliver(sha);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/web\/\.dockerignore in .* (is not a regular file|is a symlink leaving the checkout)/);
    expect((await fetch(`${sc.server.url}/healthz`)).ok).toBe(true);
    expect(await app.served()).toBe("B");
  });

  it("hostile repo: a .env symlinked out of the checkout fails the deploy; the fix deploys", async () => {
    app.git(app.work, "rm", "-q", "web/.dockerignore");
    app.push({ "web/.dockerignore": "notes.md\n" }, "regular .dockerignore again");
    const sha = pushSymlink(".env", "/etc/passwd", { "web/version.txt": "ENV\n" });
    const d = await deliver(sha);
    expect(d.status).toBe("failed");
    expect(d.error).toMatch(/\.env in .* is a symlink leaving the checkout/);
    app.git(app.work, "rm", "-q", "--cached", ".env");
    shas.c = await sc.deployVersion("C");
    expect(await app.served()).toBe("C");
  });

  it("a second server on the same data exits non-zero and names the first one's PID", async () => {
    const port = await freePort();
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, "serve", "--config", sc.server.configFile, "--port", String(port)],
        {
          cwd: sc.server.dir,
          timeout: 30_000,
          env: { ...process.env, GITHUB_WEBHOOK_SECRET: "", DEPLOYER_API_TOKEN: "" },
        },
        (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: stdout + stderr }),
      );
    });
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`in use by another deployer (PID ${sc.server.proc.pid})`);
    expect((await fetch(`${sc.server.url}/healthz`)).ok).toBe(true);
    const d = await deliver(shas.c as string);
    expect(["succeeded", "skipped"]).toContain(d.status);
  });

  it("a push made while the server was down is deployed within a minute of start", async () => {
    await sc.server.stop();
    const missed = app.push({ "web/version.txt": "MISSED\n" }, "pushed while deployer was down");
    const started = Date.now();
    await sc.restart();
    const until = started + 60_000;
    let done: { status: string; trigger: string; error: string | null } | undefined;
    while (Date.now() < until) {
      const list = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=5`)).body as {
        id: string;
        sha: string;
        status: string;
        trigger: string;
        error: string | null;
      }[];
      const d = list.find((x) => x.sha === missed);
      if (d && !["queued", "running"].includes(d.status)) {
        done = d;
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(done?.trigger).toBe("catch-up");
    expect(done?.status, done?.error ?? "").toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(await app.served()).toBe("MISSED");
  });

  it("no log, API response or page holds the webhook secret or the API token", async () => {
    const texts: string[] = [...responses];
    const get = async (path: string, auth = true) => {
      const res = await fetch(sc.server.url + path, auth ? { headers: { authorization: `Bearer ${TOKEN}` } } : {});
      const text = await res.text();
      texts.push(text);
      return text;
    };
    for (const p of ["/", "/ui/", "/ui/app.js", "/ui/style.css", "/docs", "/docs/json", "/openapi.json", "/healthz"]) {
      await get(p, false);
    }
    await get("/api/apps");
    const list = JSON.parse(await get("/api/deployments?limit=100")) as { id: string }[];
    for (const d of list) {
      await get(`/api/deployments/${d.id}`);
      await get(`/api/deployments/${d.id}/log`);
    }
    const data = join(sc.server.dir, "data", "logs");
    for (const f of readdirSync(data)) texts.push(readFileSync(join(data, f), "utf8"));
    texts.push(readFileSync(join(sc.server.dir, "deployer.log"), "utf8"));
    texts.push(sc.server.output());
    expect(list.length).toBeGreaterThan(5);
    for (const t of texts) {
      expect(t).not.toContain(SECRET);
      expect(t).not.toContain(TOKEN);
    }
  });
});
