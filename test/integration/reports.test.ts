import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Deployment } from "../../src/store/types.js";
import { FakeApi, until } from "../helpers/fake-api.js";
import { pushPayload, signed } from "../helpers/github.js";
import { githubBodyProblems, githubSuccessStatus } from "../helpers/github-openapi.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

// Issue 11: every forge and chat API here is a FAKE (test/helpers/fake-api.ts) that records each request.

const FORGE_TOKEN = "forge-token-9f8e7d6c";
const NOTIFY_SECRET = "notify-secret-5a4b";
const PUBLIC = "https://deploy.example.com";
const sha = (n: number) => n.toString(16).padStart(40, "a");
const FAST = { baseDelayMs: 20, maxDelayMs: 100, pollMs: 20, timeoutMs: 300 };

let servers: InProcess[] = [];
let fakes: FakeApi[] = [];
afterEach(async () => {
  for (const s of servers) await s.close();
  for (const f of fakes) await f.close();
  servers = [];
  fakes = [];
});

async function fake(respond?: ConstructorParameters<typeof FakeApi>[0]): Promise<FakeApi> {
  const f = await new FakeApi(respond).start();
  fakes.push(f);
  return f;
}

async function server(app: Record<string, unknown>, opts: Parameters<typeof inProcessServer>[1] = {}) {
  const h = await inProcessServer(
    { publicUrl: PUBLIC, apps: { shop: { repo: "acme/shop", path: "/srv/shop", branch: "main", ...app } } },
    { outbox: FAST, ...opts },
  );
  servers.push(h);
  return h;
}

/** Queues a deploy as the API would, and waits until it and its reports are settled. */
async function deploy(h: InProcess, n: number, trigger: Deployment["trigger"] = "manual"): Promise<Deployment> {
  const d = h.runtime.store.insert({ app: "shop", trigger, sha: sha(n), ref: "refs/heads/main", branch: "main" });
  h.runtime.queue.kick();
  await h.runtime.queue.idle();
  await settled(h, d.id);
  return h.runtime.store.get(d.id) as Deployment;
}

async function settled(h: InProcess, id: string) {
  await until(() => h.runtime.outbox.list(id).every((r) => r.state !== "pending"), 10_000, `reports of ${id}`);
}

const githubFake = () =>
  fake((req) => {
    const status = githubSuccessStatus(req.method, req.path);
    if (req.path.endsWith("/deployments")) return { status, body: { id: 4242, url: "x" } };
    return { status, body: { id: 1 } };
  });

/** A failed step with log lines, the way the pipeline leaves them. */
function failingRun(h: () => InProcess) {
  return async (d: Deployment) => {
    const { steps, logs } = h().runtime;
    steps.start(d.id, "build");
    logs.sink(d.id).line("npm ERR! missing script: build");
    steps.finish(d.id, "build", "failed", 1200, "exit code 1");
  };
}

describe("GitHub commit statuses and deployments (fake GitHub API)", () => {
  it("success: pending, then deployment created, in_progress and success, each as GitHub documents it", async () => {
    const gh = await githubFake();
    const h = await server({
      report: { token: FORGE_TOKEN, apiUrl: gh.url, deployments: true, environment: "production" },
    });
    const req = await signed("push", pushPayload({ fullName: "acme/shop", after: sha(1) }), SECRET);
    const res = await h.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
    const id = (res.json() as { id: string }).id;
    await h.runtime.queue.idle();
    await settled(h, id);
    const link = `${PUBLIC}/#/deployments/${id}`;

    expect(gh.requests.map((r) => `${r.method} ${r.path} ${r.json.state ?? ""}`)).toEqual([
      `POST /repos/acme/shop/statuses/${sha(1)} pending`,
      "POST /repos/acme/shop/deployments ",
      "POST /repos/acme/shop/deployments/4242/statuses in_progress",
      `POST /repos/acme/shop/statuses/${sha(1)} success`,
      "POST /repos/acme/shop/deployments/4242/statuses success",
    ]);
    for (const r of gh.requests) {
      expect(githubBodyProblems(r.method, r.path, r.json), `${r.method} ${r.path}`).toEqual([]);
      expect(r.headers.authorization).toBe(`token ${FORGE_TOKEN}`);
      expect(r.headers["content-type"]).toMatch(/^application\/json/);
      expect(r.headers.accept).toBe("application/vnd.github.v3+json");
    }
    expect(gh.requests[0]?.json).toEqual({
      state: "pending",
      context: "deployer/shop",
      description: "shop: deploy queued",
      target_url: link,
    });
    expect(gh.requests[1]?.json).toMatchObject({
      ref: sha(1),
      environment: "production",
      auto_merge: false,
      required_contexts: [],
    });
    expect(gh.requests[4]?.json).toMatchObject({ state: "success", log_url: link });

    const api = await h.app.inject({
      method: "GET",
      url: `/api/deployments/${id}`,
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const reports = (api.json() as Deployment).reports ?? [];
    expect(reports.map((r) => [r.target, r.event, r.state, r.attempts])).toEqual([
      ["github-status", "queued", "delivered", 1],
      ["github-deployment", "queued", "delivered", 1],
      ["github-deployment", "running", "delivered", 1],
      ["github-status", "succeeded", "delivered", 1],
      ["github-deployment", "succeeded", "delivered", 1],
    ]);
    expect(api.body).not.toContain(FORGE_TOKEN);
  });

  it("failure rolled back: failure status and deployment; a manual rollback makes the replaced deployment inactive", async () => {
    const gh = await githubFake();
    let h!: InProcess;
    let fail = false;
    h = await server(
      { report: { token: FORGE_TOKEN, apiUrl: gh.url, deployments: true } },
      {
        execute: async (d) => (fail ? failingRun(() => h)(d) : undefined),
        outcome: () =>
          fail ? { status: "failed", error: `step build failed; rolled back to ${sha(1)}` } : { status: "succeeded" },
      },
    );
    await deploy(h, 1);
    await deploy(h, 2);
    fail = true;
    const failed = await deploy(h, 3);
    const finals = gh.requests.filter((r) => r.path.includes(sha(3)) || r.json.state === "failure");
    expect(finals.map((r) => r.json.state)).toEqual(["pending", "failure", "failure"]);
    expect(finals[1]?.json.description).toMatch(/^shop: deploy failed, rolled back in [\d.]+ s \(step build\)$/);
    expect(h.runtime.outbox.list(failed.id).every((r) => r.state === "delivered")).toBe(true);

    fail = false;
    gh.requests.length = 0;
    const rollback = await deploy(h, 1, "rollback");
    const states = gh.requests.map((r) => `${r.path.replace(/\/repos\/acme\/shop/, "")} ${r.json.state ?? ""}`);
    expect(states).toContain(`/statuses/${sha(1)} success`);
    // The deployment that was live (sha 2, GitHub deployment 4242 from the fake) is retired.
    expect(states.filter((s) => s.endsWith("inactive"))).toHaveLength(1);
    for (const r of gh.requests) expect(githubBodyProblems(r.method, r.path, r.json)).toEqual([]);
    expect(rollback.status).toBe("succeeded");
  });
});

describe("GitLab, Gitea/Forgejo and Bitbucket (fake APIs)", () => {
  it("GitLab: statuses on /projects/:id/statuses/:sha and a deployment created then updated", async () => {
    const gl = await fake((req) => ({
      status: 201,
      body: req.method === "POST" && req.path.endsWith("/deployments") ? { id: 7 } : {},
    }));
    const h = await server({
      forge: "gitlab",
      repo: "group/shop",
      report: { token: FORGE_TOKEN, apiUrl: `${gl.url}/api/v4`, deployments: true },
    });
    const d = await deploy(h, 1);
    // Targets are delivered independently; each sees its own requests in order.
    const statuses = gl.requests.filter((r) => r.path.includes("/statuses/"));
    const deployments = gl.requests.filter((r) => r.path.includes("/deployments"));
    expect(statuses.map((r) => `${r.method} ${r.path} ${r.json.state}`)).toEqual([
      `POST /api/v4/projects/group%2Fshop/statuses/${sha(1)} pending`,
      `POST /api/v4/projects/group%2Fshop/statuses/${sha(1)} success`,
    ]);
    expect(deployments.map((r) => `${r.method} ${r.path} ${r.json.status}`)).toEqual([
      "POST /api/v4/projects/group%2Fshop/deployments created",
      "PUT /api/v4/projects/group%2Fshop/deployments/7 running",
      "PUT /api/v4/projects/group%2Fshop/deployments/7 success",
    ]);
    expect(statuses[0]?.headers["private-token"]).toBe(FORGE_TOKEN);
    expect(statuses[0]?.json).toEqual({
      state: "pending",
      name: "deployer/shop",
      description: "shop: deploy queued",
      target_url: `${PUBLIC}/#/deployments/${d.id}`,
    });
    expect(deployments[0]?.json).toEqual({
      environment: "shop",
      sha: sha(1),
      ref: "main",
      tag: false,
      status: "created",
    });
  });

  it.each(["gitea", "forgejo"])("%s: POST /repos/{owner}/{repo}/statuses/{sha} with `token` auth", async (forge) => {
    const gt = await fake();
    let h!: InProcess;
    h = await server(
      { forge, report: { token: FORGE_TOKEN, apiUrl: `${gt.url}/api/v1` } },
      { execute: failingRun(() => h), outcome: () => ({ status: "failed", error: "step build failed" }) },
    );
    await deploy(h, 1);
    expect(gt.requests.map((r) => `${r.method} ${r.path} ${r.json.state}`)).toEqual([
      `POST /api/v1/repos/acme/shop/statuses/${sha(1)} pending`,
      `POST /api/v1/repos/acme/shop/statuses/${sha(1)} failure`,
    ]);
    expect(gt.requests[1]?.headers.authorization).toBe(`token ${FORGE_TOKEN}`);
    expect(gt.requests[1]?.json).toMatchObject({
      context: "deployer/shop",
      description: expect.stringContaining("step build"),
    });
  });

  it("Bitbucket: POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build", async () => {
    const bb = await fake();
    const h = await server(
      { forge: "bitbucket", report: { token: FORGE_TOKEN, apiUrl: bb.url } },
      { outcome: () => ({ status: "cancelled", error: "cancelled" }) },
    );
    const d = await deploy(h, 1);
    expect(bb.requests.map((r) => `${r.method} ${r.path} ${r.json.state}`)).toEqual([
      `POST /2.0/repositories/acme/shop/commit/${sha(1)}/statuses/build INPROGRESS`,
      `POST /2.0/repositories/acme/shop/commit/${sha(1)}/statuses/build STOPPED`,
    ]);
    expect(bb.requests[0]?.headers.authorization).toBe(`Bearer ${FORGE_TOKEN}`);
    expect(bb.requests[0]?.json).toMatchObject({ key: "deployer/shop", url: `${PUBLIC}/#/deployments/${d.id}` });
  });
});

describe("notifications (fake receivers)", () => {
  it("webhook (signed), Slack, Discord and ntfy carry outcome, commit, duration, failing step, log and link", async () => {
    const hooks = await fake(() => ({ status: 200 }));
    let h!: InProcess;
    h = await server(
      {
        notify: [
          { type: "webhook", url: `${hooks.url}/hook`, secret: NOTIFY_SECRET, on: ["failed"] },
          { type: "slack", url: `${hooks.url}/slack` },
          { type: "discord", url: `${hooks.url}/discord` },
          { type: "ntfy", url: `${hooks.url}/topic`, on: ["succeeded"] },
        ],
      },
      { execute: failingRun(() => h), outcome: () => ({ status: "failed", error: "step build failed" }) },
    );
    const d = await deploy(h, 1);
    expect(hooks.requests.map((r) => r.path).sort()).toEqual(["/discord", "/hook", "/slack"]);
    const hook = hooks.requests.find((r) => r.path === "/hook");
    const mac = `sha256=${createHmac("sha256", NOTIFY_SECRET)
      .update(hook?.body ?? "")
      .digest("hex")}`;
    expect(hook?.headers["x-deployer-signature-256"]).toBe(mac);
    expect(hook?.headers["x-deployer-event"]).toBe("failed");
    expect(hook?.json).toMatchObject({
      version: 1,
      app: "shop",
      deploymentId: d.id,
      outcome: "failed",
      sha: sha(1),
      link: `${PUBLIC}/#/deployments/${d.id}`,
      commit: { sha: sha(1), short: sha(1).slice(0, 7) },
      failedStep: {
        name: "build",
        detail: "exit code 1",
        log: expect.arrayContaining(["npm ERR! missing script: build"]),
      },
    });
    const slack = hooks.requests.find((r) => r.path === "/slack")?.json.text as string;
    expect(slack).toContain("*shop: deploy failed*");
    expect(slack).toContain("failing step: build");
    expect(slack).toContain("npm ERR! missing script: build");
    expect(slack).toContain(`${PUBLIC}/#/deployments/${d.id}`);
    const discord = hooks.requests.find((r) => r.path === "/discord")?.json;
    expect(discord.allowed_mentions).toEqual({ parse: [] });
    expect(discord.content).toContain(`commit ${sha(1).slice(0, 7)}`);
  });
});

describe("delivery", () => {
  it("a target that answers 500 to its first 3 calls is still reached", async () => {
    const flaky = await fake((_req, n) => (n < 3 ? { status: 500, body: { message: "down" } } : { status: 201 }));
    const h = await server({ report: { token: FORGE_TOKEN, apiUrl: flaky.url } });
    const d = await deploy(h, 1);
    expect(flaky.requests.map((r) => r.status)).toEqual([500, 500, 500, 201, 201]);
    const reports = h.runtime.outbox.list(d.id);
    expect(reports.map((r) => [r.event, r.state, r.attempts])).toEqual([
      ["queued", "delivered", 4],
      ["succeeded", "delivered", 1],
    ]);
    // pending is delivered before success: a target sees a deployment's states in order.
    expect(flaky.requests.map((r) => r.json.state)).toEqual(["pending", "pending", "pending", "pending", "success"]);
  });

  it("a target that hangs never slows a deploy; it is timed out and retried, and its error names no token", async () => {
    const hang = await fake(() => "hang");
    const h = await server({
      report: { token: FORGE_TOKEN, apiUrl: hang.url },
      notify: [{ type: "slack", url: `${hang.url}/services/SECRET-PATH` }],
    });
    const started = Date.now();
    const d = h.runtime.store.insert({
      app: "shop",
      trigger: "manual",
      sha: sha(1),
      ref: "refs/heads/main",
      branch: "main",
    });
    h.runtime.queue.kick();
    await h.runtime.queue.idle();
    expect(Date.now() - started).toBeLessThan(250);
    expect(h.runtime.store.get(d.id)?.status).toBe("succeeded");
    await until(() => h.runtime.outbox.list(d.id).some((r) => r.attempts >= 2), 5000, "a retry");
    const reports = h.runtime.outbox.list(d.id);
    expect(reports.find((r) => r.attempts >= 1)?.lastError).toMatch(/timed out/);
    expect(JSON.stringify(reports)).not.toMatch(/SECRET-PATH|forge-token/);
  });
});
