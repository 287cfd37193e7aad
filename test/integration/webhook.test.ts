import { join } from "node:path";
import { sign } from "@octokit/webhooks-methods";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { example, pushPayload, signed } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

const SHA = "1234567890abcdef1234567890abcdef12345678";
const SHA2 = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";

const apps = {
  shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" },
  // The octokit examples' repository, so their payloads can be sent unmodified.
  hello: { repo: "Codertocat/Hello-World", path: "/srv/hello", branch: "master" },
};

/** Every response body seen in this file, to check that no secret ever leaks. */
const bodies: string[] = [];

async function post(h: InProcess, headers: Record<string, string>, body: string | Buffer) {
  const res = await h.app.inject({ method: "POST", url: "/webhook", headers, payload: body });
  bodies.push(res.body);
  return res;
}

async function deliver(h: InProcess, event: string, payload: unknown, opts: Parameters<typeof signed>[3] = {}) {
  const req = await signed(event, payload, SECRET, opts);
  return post(h, req.headers, req.body);
}

describe("POST /webhook", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer({ apps });
  });
  afterAll(async () => {
    await h.close();
  });

  const deploymentCount = () => h.runtime.store.list({ limit: 1000 }).length;

  describe("signature", () => {
    it("answers 401 {error} without X-Hub-Signature-256, and queues nothing", async () => {
      const req = await signed("push", pushPayload({ fullName: "acme/shop", after: SHA }), SECRET);
      const { "x-hub-signature-256": _omit, ...headers } = req.headers;
      const before = deploymentCount();
      const res = await post(h, headers, req.body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: expect.stringMatching(/X-Hub-Signature-256/) });
      expect(deploymentCount()).toBe(before);
    });

    it("answers 401 {error} for a signature made with another secret", async () => {
      const req = await signed("push", pushPayload({ fullName: "acme/shop", after: SHA }), "wrong-secret");
      const res = await post(h, req.headers, req.body);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: expect.any(String) });
    });

    it("answers 401 when the body was changed after signing", async () => {
      const req = await signed("push", pushPayload({ fullName: "acme/shop", after: SHA }), SECRET);
      const res = await post(h, req.headers, req.body.replace(SHA, SHA2));
      expect(res.statusCode).toBe(401);
    });

    it("answers 401 for a signature over a re-serialised (not the raw) body", async () => {
      const payload = pushPayload({ fullName: "acme/shop", after: SHA });
      const raw = JSON.stringify(payload, null, 2);
      const headers = (await signed("push", payload, SECRET)).headers;
      headers["x-hub-signature-256"] = await sign(SECRET, JSON.stringify(payload));
      const res = await post(h, headers, raw);
      expect(res.statusCode).toBe(401);
    });

    it("verifies over the raw bytes, whitespace and all", async () => {
      const raw = JSON.stringify(pushPayload({ fullName: "acme/unknown", after: SHA }), null, 2);
      const headers = (await signed("push", {}, SECRET)).headers;
      headers["x-hub-signature-256"] = await sign(SECRET, raw);
      const res = await post(h, headers, raw);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toHaveProperty("ignored");
    });
  });

  it("answers 413 for a body over 25 MiB", async () => {
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    const req = await signed("push", {}, SECRET);
    const res = await post(h, req.headers, big);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: expect.any(String) });
  });

  it("accepts a body just under 25 MiB (checked, then ignored)", async () => {
    const p = pushPayload({ fullName: "acme/unknown", after: SHA });
    p.padding = "x".repeat(24 * 1024 * 1024);
    const res = await deliver(h, "push", p);
    expect(res.statusCode).toBe(200);
  });

  it("answers 400 for malformed JSON, correctly signed", async () => {
    const body = '{"ref": "refs/heads/main", ';
    const headers = (await signed("push", {}, SECRET)).headers;
    headers["x-hub-signature-256"] = await sign(SECRET, body);
    const res = await post(h, headers, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: expect.any(String) });
  });

  it("answers 400 for a form body without `payload`, correctly signed", async () => {
    const body = "foo=bar&baz=1";
    const headers = (await signed("push", {}, SECRET, { form: true })).headers;
    headers["x-hub-signature-256"] = await sign(SECRET, body);
    const res = await post(h, headers, body);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: expect.stringMatching(/payload/) });
  });

  it("answers 400 for a push whose commit id is not a sha", async () => {
    const res = await deliver(h, "push", pushPayload({ fullName: "acme/shop", after: "--exec=rm" }));
    expect(res.statusCode).toBe(400);
  });

  it("treats a form body with `payload=<json>` like JSON (202)", async () => {
    const res = await deliver(h, "push", pushPayload({ fullName: "acme/shop", after: SHA2 }), { form: true });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: "shop", status: "queued", sha: SHA2 });
  });

  it("answers a ping with 200 {message: pong}", async () => {
    const p = example("ping");
    const res = await deliver(h, "ping", p);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ message: "pong", hook_id: p.hook_id, zen: p.zen });
  });

  it("answers a push to a configured branch with 202 {id, app, status: queued, sha} and stores it", async () => {
    const before = deploymentCount();
    const res = await deliver(h, "push", pushPayload({ fullName: "acme/shop", branch: "main", after: SHA }), {
      delivery: "push-main-1",
    });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toEqual({ id: expect.any(String), app: "shop", status: "queued", sha: SHA });
    const d = h.runtime.store.get(body.id);
    expect(d).toMatchObject({
      app: "shop",
      sha: SHA,
      ref: "refs/heads/main",
      trigger: "push",
      deliveryId: "push-main-1",
    });
    expect(deploymentCount()).toBe(before + 1);
    await h.runtime.queue.idle();
    expect(h.executed.map((x) => x.id)).toContain(body.id);
  });

  it("queues the unmodified octokit branch-push example for its configured app", async () => {
    const p = example("push", (e) => e.ref === "refs/heads/master" && e.deleted === false);
    const res = await deliver(h, "push", p);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: "hello", sha: p.after });
  });

  describe("pushes and events that deploy nothing: 200 {ignored: reason}", () => {
    const cases: [string, string, () => unknown, RegExp][] = [
      ["an unknown repo", "push", () => pushPayload({ fullName: "acme/nope", after: SHA }), /no app is configured/],
      [
        "another branch",
        "push",
        () => pushPayload({ fullName: "acme/shop", branch: "dev", after: SHA }),
        /push to dev/,
      ],
      [
        "a tag (octokit example)",
        "push",
        () => example("push", (e) => String(e.ref).startsWith("refs/tags/") && e.deleted === false),
        /refs\/tags\/simple-tag is not a branch/,
      ],
      [
        "a tag deletion (octokit example)",
        "push",
        () => example("push", (e) => String(e.ref).startsWith("refs/tags/") && e.deleted === true),
        /is not a branch/,
      ],
      [
        "a tag pushed to the configured app's repo",
        "push",
        () => pushPayload({ fullName: "acme/shop", ref: "refs/tags/v1.0.0", after: SHA }),
        /not a branch/,
      ],
      [
        "a branch deletion",
        "push",
        () => pushPayload({ fullName: "acme/shop", branch: "main", after: "0".repeat(40), before: SHA, deleted: true }),
        /deletion/,
      ],
      [
        "the ignored deployer repo",
        "push",
        () => pushPayload({ fullName: "acme/deployer", after: SHA }),
        /ignore list/,
      ],
      ["an issues event (octokit example)", "issues", () => example("issues"), /event issues is not deployed/],
      ["a pull_request event (octokit example)", "pull_request", () => example("pull_request"), /pull_request/],
    ];
    it.each(cases)("%s", async (_name, event, payload, reason) => {
      const before = deploymentCount();
      const res = await deliver(h, event, payload());
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Object.keys(body)).toEqual(["ignored"]);
      expect(body.ignored).toMatch(reason);
      expect(deploymentCount()).toBe(before);
    });
  });

  it("answers a repeated X-GitHub-Delivery with 200 {duplicate: true, id} and queues nothing", async () => {
    const payload = pushPayload({ fullName: "acme/shop", after: SHA });
    const first = await deliver(h, "push", payload, { delivery: "dup-1" });
    expect(first.statusCode).toBe(202);
    await h.runtime.queue.idle();
    const count = deploymentCount();
    const executed = h.executed.length;

    const again = await deliver(h, "push", payload, { delivery: "dup-1" });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ duplicate: true, id: first.json().id });
    await h.runtime.queue.idle();
    expect(deploymentCount()).toBe(count);
    expect(h.executed.length).toBe(executed);
  });

  it("answers a repeated ignored delivery as a duplicate with id null", async () => {
    await deliver(h, "issues", example("issues"), { delivery: "dup-issue" });
    const again = await deliver(h, "issues", example("issues"), { delivery: "dup-issue" });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ duplicate: true, id: null });
  });

  it("does not let an unsigned request burn a delivery id", async () => {
    const payload = pushPayload({ fullName: "acme/shop", after: SHA2 });
    const forged = await signed("push", payload, "wrong", { delivery: "burn-1" });
    expect((await post(h, forged.headers, forged.body)).statusCode).toBe(401);
    const real = await deliver(h, "push", payload, { delivery: "burn-1" });
    expect(real.statusCode).toBe(202);
  });

  describe("other routes", () => {
    it("GET /healthz → 200 {status: ok}", async () => {
      const res = await h.app.inject({ method: "GET", url: "/healthz" });
      bodies.push(res.body);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: "ok" });
    });

    it("GET /openapi.json lists the webhook, health and API routes", async () => {
      const res = await h.app.inject({ method: "GET", url: "/openapi.json" });
      bodies.push(res.body);
      expect(res.statusCode).toBe(200);
      const spec = res.json();
      expect(spec.openapi).toMatch(/^3\./);
      const paths = Object.keys(spec.paths);
      for (const p of [
        "/webhook",
        "/healthz",
        "/api/apps",
        "/api/deployments",
        "/api/deployments/{id}",
        "/api/deployments/{id}/log",
        "/api/deployments/{id}/cancel",
        "/api/apps/{name}/deploy",
        "/api/apps/{name}/rollback",
      ]) {
        expect(paths).toContain(p);
      }
      expect(spec.paths["/webhook"].post).toBeDefined();
      expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
    });

    it.each(["/docs", "/docs/"])("GET %s serves the Swagger UI as HTML", async (url) => {
      let res = await h.app.inject({ method: "GET", url });
      for (let i = 0; i < 3 && res.statusCode >= 300 && res.statusCode < 400; i++) {
        res = await h.app.inject({ method: "GET", url: new URL(res.headers.location as string, "http://x").pathname });
      }
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.body).toMatch(/swagger/i);
    });

    it("answers an unknown route with 404 {error}", async () => {
      const res = await h.app.inject({ method: "GET", url: "/nope" });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: expect.any(String) });
    });
  });

  it("never puts the webhook secret or API token in any response body", () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const b of bodies) {
      expect(b).not.toContain(SECRET);
      expect(b).not.toContain(TOKEN);
    }
  });
});

describe("POST /webhook: the 202 comes after the deployment is committed", () => {
  it("a second connection to the database sees the delivery and the deployment when the 202 is sent", async () => {
    const h = await inProcessServer({ apps });
    try {
      let seen: { deployments: number; deliveries: number } | undefined;
      const file = join(h.runtime.config.dataDir, "deployer.db");
      h.app.addHook("onSend", async (req, reply) => {
        if (req.url !== "/webhook" || reply.statusCode !== 202) return;
        const other = new Database(file, { readonly: true });
        try {
          seen = {
            deployments: (
              other.prepare("SELECT COUNT(*) AS n FROM deployments WHERE sha = ?").get(SHA) as { n: number }
            ).n,
            deliveries: (
              other.prepare("SELECT COUNT(*) AS n FROM deliveries WHERE id = 'commit-1'").get() as { n: number }
            ).n,
          };
        } finally {
          other.close();
        }
      });
      const res = await deliver(h, "push", pushPayload({ fullName: "acme/shop", after: SHA }), {
        delivery: "commit-1",
      });
      expect(res.statusCode).toBe(202);
      expect(seen).toEqual({ deployments: 1, deliveries: 1 });
    } finally {
      await h.close();
    }
  });
});

describe("POST /webhook without a secret", () => {
  it("refuses every delivery (401) unless --allow-unsigned", async () => {
    const h = await inProcessServer({ apps, secret: undefined });
    try {
      expect(h.runtime.config.secret).toBeUndefined();
      const res = await h.app.inject({
        method: "POST",
        url: "/webhook",
        headers: { "content-type": "application/json", "x-github-event": "ping" },
        payload: JSON.stringify(example("ping")),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toMatch(/secret/);
    } finally {
      await h.close();
    }
  });

  it("accepts unsigned deliveries with --allow-unsigned", async () => {
    const h = await inProcessServer({ apps, secret: undefined }, { allowUnsigned: true });
    try {
      const res = await h.app.inject({
        method: "POST",
        url: "/webhook",
        headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "u-1" },
        payload: JSON.stringify(pushPayload({ fullName: "acme/shop", after: SHA })),
      });
      expect(res.statusCode).toBe(202);
    } finally {
      await h.close();
    }
  });
});
