import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushPayload, signed } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

// Requests an attacker (or a confused client) can send: each gets a clear 4xx, never a 5xx or a stuck job.
const auth = { authorization: `Bearer ${TOKEN}` };
const SHA = "a".repeat(40);

describe("hardening", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer({ apps: { shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" } } });
  });
  afterAll(async () => {
    await h.close();
  });

  for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
    it(`an app named ${name} that is not configured is a 404, not a job`, async () => {
      const res = await h.app.inject({ method: "POST", url: `/api/apps/${name}/deploy`, headers: auth, payload: {} });
      expect(res.statusCode).toBe(404);
      expect(h.runtime.store.list({ limit: 100 }).filter((d) => d.app === name)).toHaveLength(0);
    });
  }

  it("a signed push with fields of the wrong type is answered without a 5xx", async () => {
    const p = pushPayload({ fullName: "acme/shop", after: SHA });
    p.repository.name = 5;
    p.pusher = { name: { nested: true } };
    p.head_commit = { message: ["x"] };
    p.repository.default_branch = false;
    const req = await signed("push", p, SECRET);
    const res = await h.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
    expect(res.statusCode).toBe(202);
    expect(h.runtime.store.get(res.json().id)?.actor).toBe(p.sender.login);
  });

  it("an unknown /api path without a token is 401, with the token 404", async () => {
    expect((await h.app.inject({ method: "GET", url: "/api/nope" })).statusCode).toBe(401);
    expect((await h.app.inject({ method: "GET", url: "/api/nope", headers: auth })).statusCode).toBe(404);
  });

  it("a short commit id the checkout does not know is a 400", async () => {
    const res = await h.app.inject({
      method: "POST",
      url: "/api/apps/shop/deploy",
      headers: auth,
      payload: { sha: "abc1234" },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toContain("full 40-digit id");
  });
});

describe("a deployment whose run throws", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer(
      { apps: { shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" } } },
      {
        execute: async () => {
          throw new Error("boom");
        },
      },
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it("ends failed instead of staying running", async () => {
    const req = await signed("push", pushPayload({ fullName: "acme/shop", after: SHA }), SECRET);
    const res = await h.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
    await h.runtime.queue.idle();
    const d = h.runtime.store.get(res.json().id);
    expect(d?.status).toBe("failed");
    expect(d?.error).toContain("internal error: boom");
  });
});

describe("closing the server", () => {
  it("ends live log streams instead of waiting for their deployments", async () => {
    let release = () => {};
    const h = await inProcessServer(
      { apps: { shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" } } },
      { execute: () => new Promise<void>((r) => (release = r)) },
    );
    const url = await h.app.listen({ host: "127.0.0.1", port: 0 });
    const req = await signed("push", pushPayload({ fullName: "acme/shop", after: SHA }), SECRET);
    const { id } = (
      await h.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body })
    ).json();
    const res = await fetch(`${url}/api/deployments/${id}/log?follow=1`, { headers: auth });
    const reading = res.text();
    const t0 = Date.now();
    await h.app.close();
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await reading).toContain("event: end");
    release();
    await h.close();
  });
});
