import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Deployment } from "../../src/store/types.js";
import { pushPayload, signed } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

const apps = {
  shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" },
  blog: { repo: "acme/blog", path: "/srv/blog", branch: "main" },
};
const sha = (n: number) => n.toString(16).padStart(40, "0");
const auth = { authorization: `Bearer ${TOKEN}` };

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function push(h: InProcess, fullName: string, after: string) {
  const req = await signed("push", pushPayload({ fullName, after }), SECRET);
  const res = await h.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
  expect(res.statusCode).toBe(202);
  return res.json() as { id: string; app: string; sha: string };
}

/** An SSE stream over a real connection: wait for text in it, or read it to its end. */
async function openSse(url: string) {
  const res = await fetch(url, { headers: auth, signal: AbortSignal.timeout(60_000) });
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const read = async () => {
    const { done, value } = await reader.read();
    if (!done) text += decoder.decode(value, { stream: true });
    return done;
  };
  return {
    opened: Promise.resolve(),
    async until(needle: string) {
      while (!text.includes(needle)) if (await read()) throw new Error(`stream ended without ${needle}: ${text}`);
    },
    async rest() {
      while (!(await read()));
      return text;
    },
  };
}

const get = (h: InProcess, url: string, headers: Record<string, string> = auth) =>
  h.app.inject({ method: "GET", url, headers });

describe("/api authentication", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer({ apps });
  });
  afterAll(async () => {
    await h.close();
  });

  const routes: [string, string][] = [
    ["GET", "/api/apps"],
    ["GET", "/api/deployments"],
    ["GET", "/api/deployments/some-id"],
    ["GET", "/api/deployments/some-id/log"],
    ["POST", "/api/deployments/some-id/cancel"],
    ["POST", "/api/apps/shop/deploy"],
    ["POST", "/api/apps/shop/rollback"],
  ];

  it.each(routes)("%s %s → 401 {error} without a token", async (method, url) => {
    const res = await h.app.inject({ method: method as "GET" | "POST", url });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: expect.any(String) });
  });

  it.each([
    ["a wrong token", `Bearer not-${TOKEN}`],
    ["a token prefix", `Bearer ${TOKEN.slice(0, -1)}`],
    ["a longer token", `Bearer ${TOKEN}x`],
    ["the token without Bearer", TOKEN],
    ["Basic auth", `Basic ${Buffer.from(`u:${TOKEN}`).toString("base64")}`],
    ["an empty Bearer", "Bearer "],
  ])("GET /api/deployments → 401 with %s", async (_name, authorization) => {
    const res = await get(h, "/api/deployments", { authorization });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain(TOKEN);
  });

  it("accepts the token case-insensitively on the scheme (bearer)", async () => {
    const res = await get(h, "/api/deployments", { authorization: `bearer ${TOKEN}` });
    expect(res.statusCode).toBe(200);
  });

  it("does not need a token for /healthz and /webhook", async () => {
    expect((await get(h, "/healthz", {})).statusCode).toBe(200);
    // A signed webhook with no Authorization header at all is answered by the webhook route, not refused.
    const ping = await signed("ping", { zen: "Keep it logically awesome.", hook_id: 1 }, SECRET);
    const res = await h.app.inject({ method: "POST", url: "/webhook", headers: ping.headers, payload: ping.body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ message: "pong" });
    const deploy = await push(h, "acme/shop", sha(77));
    expect(deploy).toMatchObject({ app: "shop", sha: sha(77) });
  });
});

describe("/api with no apiToken configured", () => {
  it("refuses every call, even with some Bearer token", async () => {
    const h = await inProcessServer({ apps, apiToken: undefined });
    try {
      expect(h.runtime.config.apiToken).toBeUndefined();
      const res = await get(h, "/api/deployments", { authorization: "Bearer undefined" });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatch(/apiToken|DEPLOYER_API_TOKEN/);
    } finally {
      await h.close();
    }
  });
});

describe("/api reads", () => {
  let h: InProcess;
  const ids: { id: string; app: string; sha: string }[] = [];
  beforeAll(async () => {
    h = await inProcessServer({ apps });
    ids.push(await push(h, "acme/shop", sha(1)));
    await h.runtime.queue.idle();
    ids.push(await push(h, "acme/blog", sha(2)));
    await h.runtime.queue.idle();
    ids.push(await push(h, "acme/shop", sha(3)));
    await h.runtime.queue.idle();
  });
  afterAll(async () => {
    await h.close();
  });

  it("GET /api/deployments lists newest first", async () => {
    const res = await get(h, "/api/deployments");
    expect(res.statusCode).toBe(200);
    expect((res.json() as Deployment[]).map((d) => d.id)).toEqual(ids.map((d) => d.id).reverse());
  });

  it("GET /api/deployments?app=&limit= filters by app and limits", async () => {
    const shop = (await get(h, "/api/deployments?app=shop")).json() as Deployment[];
    expect(shop.map((d) => d.sha)).toEqual([sha(3), sha(1)]);
    const one = (await get(h, "/api/deployments?app=shop&limit=1")).json() as Deployment[];
    expect(one.map((d) => d.sha)).toEqual([sha(3)]);
    const none = (await get(h, "/api/deployments?app=nope")).json() as Deployment[];
    expect(none).toEqual([]);
  });

  it.each(["0", "-1", "abc", "100000"])("GET /api/deployments?limit=%s → 400", async (limit) => {
    const res = await get(h, `/api/deployments?limit=${limit}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: expect.any(String) });
  });

  it("GET /api/deployments/:id returns the documented fields", async () => {
    const res = await get(h, `/api/deployments/${ids[0]!.id}`);
    expect(res.statusCode).toBe(200);
    const d = res.json();
    for (const key of [
      "id",
      "app",
      "status",
      "sha",
      "ref",
      "rebuilt",
      "createdAt",
      "startedAt",
      "finishedAt",
      "error",
    ]) {
      expect(d).toHaveProperty(key);
    }
    expect(d).toMatchObject({
      id: ids[0]!.id,
      app: "shop",
      status: "succeeded",
      sha: sha(1),
      ref: "refs/heads/main",
      rebuilt: [],
      error: null,
      trigger: "push",
    });
    for (const t of [d.createdAt, d.startedAt, d.finishedAt]) expect(Date.parse(t)).not.toBeNaN();
    expect(Array.isArray(d.steps)).toBe(true);
  });

  it("GET /api/deployments/:id → 404 {error} for an unknown id", async () => {
    const res = await get(h, "/api/deployments/does-not-exist");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: expect.stringMatching(/does-not-exist/) });
  });

  it("GET /api/deployments/:id/log answers text/plain with the log", async () => {
    const id = ids[1]!.id;
    const sink = h.runtime.logs.sink(id);
    sink.line("$ docker-compose build web");
    sink.line("Step 1/3 : FROM scratch");
    const res = await get(h, `/api/deployments/${id}/log`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("$ docker-compose build web\n");
    expect(res.body).toContain("Step 1/3 : FROM scratch\n");
  });

  it("GET /api/deployments/:id/log is empty (not an error) for a deployment with no log yet", async () => {
    const res = await get(h, `/api/deployments/${ids[2]!.id}/log`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toBe("");
  });

  it("GET /api/deployments/:id/log → 404 for an unknown id", async () => {
    expect((await get(h, "/api/deployments/nope/log")).statusCode).toBe(404);
  });

  it("GET /api/deployments/:id/log?follow=true of a finished deployment sends the log as SSE and ends", async () => {
    const id = ids[1]!.id;
    const res = await get(h, `/api/deployments/${id}/log?follow=true`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.body).toMatch(/^data: .*\$ docker-compose build web$/m);
    expect(res.body).toMatch(/event: end\ndata: \{"status":"succeeded"/);
  });

  it("GET /api/deployments/:id/log?follow=1 (as documented and as the CLI sends it) streams SSE", async () => {
    const id = ids[1]!.id;
    const res = await get(h, `/api/deployments/${id}/log?follow=1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(res.body).toMatch(/^data: .*\$ docker-compose build web$/m);
    expect(res.body).toMatch(/event: end\ndata: \{"status":"succeeded"/);
  });

  it("GET /api/apps lists each configured app with branch, current sha and last deployment", async () => {
    const res = await get(h, "/api/apps");
    expect(res.statusCode).toBe(200);
    const list = res.json() as Record<string, any>[];
    expect(list.map((a) => a.name).sort()).toEqual(["blog", "shop"]);
    const shop = list.find((a) => a.name === "shop")!;
    expect(shop).toMatchObject({
      name: "shop",
      repo: "acme/shop",
      branch: "main",
      currentSha: sha(3),
      healthy: true,
      running: null,
    });
    expect(shop.lastDeployment).toMatchObject({ id: ids[2]!.id, status: "succeeded" });
  });

  it("POST /api/deployments/:id/cancel of a finished deployment → 409 {error}", async () => {
    const res = await h.app.inject({ method: "POST", url: `/api/deployments/${ids[0]!.id}/cancel`, headers: auth });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: expect.stringMatching(/succeeded/) });
  });

  it("POST /api/deployments/:id/cancel of an unknown id → 404", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/deployments/nope/cancel", headers: auth });
    expect(res.statusCode).toBe(404);
  });

  it("POST /api/apps/:name/deploy for an unknown app → 404", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/apps/nope/deploy", headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatch(/no app named nope/);
  });

  it("POST /api/apps/:name/rollback with nothing to roll back to → 400", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/api/apps/blog/rollback",
      headers: auth,
      payload: {},
    });
    // blog has no branch-less checkout to ask (branch is configured) and only one succeeded deploy.
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/no earlier succeeded deployment/);
  });

  it("POST /api/apps/:name/rollback with a `to` that is not a sha → 400", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/api/apps/shop/rollback",
      headers: auth,
      payload: { to: "--upload-pack=evil" },
    });
    expect(res.statusCode).toBe(400);
  });

  it("POST /api/apps/:name/rollback with no body goes back to the previous succeeded commit (202)", async () => {
    const res = await h.app.inject({ method: "POST", url: "/api/apps/shop/rollback", headers: auth });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: "shop", sha: sha(1), trigger: "rollback", actor: "api" });
    await h.runtime.queue.idle();
  });
});

describe("cancelling a queued deployment over the API", () => {
  let h: InProcess;
  let gate = deferred();
  let base: string | undefined;
  /** The server on a real port (for streaming tests), started once. */
  const listening = async () => (base ??= await h.app.listen({ host: "127.0.0.1", port: 0 }));
  beforeAll(async () => {
    h = await inProcessServer({ apps }, { execute: () => gate.promise });
  });
  afterEach(async () => {
    gate.resolve();
    await h.runtime.queue.idle();
    gate = deferred();
  });
  afterAll(async () => {
    await h.close();
  });

  it("a deployment queued behind a running one of the same app becomes cancelled and never runs", async () => {
    const running = await push(h, "acme/shop", sha(10));
    const queued = await push(h, "acme/shop", sha(11));
    expect(h.runtime.store.get(running.id)?.status).toBe("running");
    expect(h.runtime.store.get(queued.id)?.status).toBe("queued");

    const res = await h.app.inject({ method: "POST", url: `/api/deployments/${queued.id}/cancel`, headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: queued.id, status: "cancelled" });
    expect((await get(h, `/api/deployments/${queued.id}`)).json().status).toBe("cancelled");

    gate.resolve();
    await h.runtime.queue.idle();
    expect(h.executed.map((d) => d.id)).not.toContain(queued.id);
    expect(h.runtime.store.get(running.id)?.status).toBe("succeeded");

    const again = await h.app.inject({ method: "POST", url: `/api/deployments/${queued.id}/cancel`, headers: auth });
    expect(again.statusCode).toBe(409);
  });

  it("GET /api/deployments/:id/log?follow=true streams lines written while the deployment runs, then ends", async () => {
    const running = await push(h, "acme/shop", sha(20));
    const sink = h.runtime.logs.sink(running.id);
    sink.line("before follow");
    // A real connection, so the test writes the next line only once the stream has delivered the first.
    const stream = await openSse(`${await listening()}/api/deployments/${running.id}/log?follow=true`);
    await stream.until("before follow");
    sink.line("while following");
    await stream.until("while following");
    gate.resolve();
    await h.runtime.queue.idle();
    h.runtime.logs.end(running.id);
    const body = await stream.rest();
    const data = body.split("\n").filter((l) => l.startsWith("data: "));
    expect(data[0]).toMatch(/before follow$/);
    expect(data[1]).toMatch(/while following$/);
    expect(body).toMatch(/event: end\ndata: \{"status":"succeeded"/);
  });

  it.each([
    ["cancelled", "cancelled while queued"],
    ["superseded", "superseded by a newer push"],
  ])("ends a follow with event: end once a queued deployment is %s (%s)", async (status) => {
    await push(h, "acme/blog", sha(30)); // holds the app's worker, so the next ones stay queued
    const waiting = await push(h, "acme/blog", sha(31));
    const stream = await openSse(`${await listening()}/api/deployments/${waiting.id}/log?follow=1`);
    await stream.opened;
    if (status === "cancelled") {
      const res = await h.app.inject({ method: "POST", url: `/api/deployments/${waiting.id}/cancel`, headers: auth });
      expect(res.statusCode).toBe(200);
    } else {
      await push(h, "acme/blog", sha(32)); // newer: when the worker frees, it supersedes `waiting`
      gate.resolve();
    }
    const body = await stream.rest();
    expect(body).toMatch(new RegExp(`event: end\ndata: \\{"status":"${status}"`));
    expect((await get(h, `/api/deployments/${waiting.id}`)).json().status).toBe(status);
  });

  it("GET /api/apps shows the running deployment", async () => {
    const running = await push(h, "acme/blog", sha(12));
    const apps = (await get(h, "/api/apps")).json() as Record<string, any>[];
    expect(apps.find((a) => a.name === "blog")?.running).toBe(running.id);
  });
});

describe("/api rate limiting of failed authentication", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer({ apps }, { maxAuthFailures: 3 });
  });
  afterAll(async () => {
    await h.close();
  });

  it("the 4th bad-token request from one address → 429, and a valid token still works", async () => {
    const bad = { authorization: "Bearer wrong" };
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(h, "/api/deployments", bad)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await get(h, "/api/deployments", bad)).json().error).toMatch(/too many/);
    expect((await get(h, "/api/deployments", auth)).statusCode).toBe(200);
  });

  it("unknown /api paths count too, so a token cannot be guessed there", async () => {
    const other = await inProcessServer({ apps }, { maxAuthFailures: 3 });
    try {
      const bad = { authorization: "Bearer guess" };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await get(other, "/api/nope", bad)).statusCode);
      expect(statuses).toEqual([401, 401, 401, 429]);
      expect((await get(other, "/api/nope", auth)).statusCode).toBe(404);
    } finally {
      await other.close();
    }
  });

  it("a valid token is never limited", async () => {
    for (let i = 0; i < 6; i++) expect((await get(h, "/api/apps", auth)).statusCode).toBe(200);
  });
});

describe("/api rate limiting at its default (README Security: 20 failures a minute)", () => {
  let h: InProcess;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2030-01-01T00:00:00Z") });
    h = await inProcessServer({ apps });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await h.close();
  });

  const failures = async (n: number, headers: (i: number) => Record<string, string>) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await get(h, "/api/deployments", headers(i))).statusCode);
    return statuses;
  };

  it("answers 429 to the 21st failure within a minute, and 401 again after the minute", async () => {
    const bad = () => ({ authorization: "Bearer wrong" });
    expect(await failures(20, bad)).toEqual(Array(20).fill(401));
    expect(await failures(1, bad)).toEqual([429]);
    vi.setSystemTime(new Date("2030-01-01T00:00:59Z"));
    expect(await failures(1, bad)).toEqual([429]);
    vi.setSystemTime(new Date("2030-01-01T00:01:01Z"));
    expect(await failures(1, bad)).toEqual([401]);
  });

  it("does not trust X-Forwarded-For: another claimed address is still the same client", async () => {
    const spoofed = (i: number) => ({ authorization: "Bearer wrong", "x-forwarded-for": `10.0.0.${i}` });
    expect(await failures(20, spoofed)).toEqual(Array(20).fill(401));
    expect(await failures(1, (i) => spoofed(i + 100))).toEqual([429]);
  });
});
