import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgeHeaders, signedPush } from "../helpers/forges.js";
import { type InProcess, inProcessServer, SECRET } from "../helpers/runtime.js";

// A served deployer answers POST /webhook on a node:http fast path before Fastify (server/webhook/fast-path.ts);
// `inject` goes through the Fastify route. Both must answer every kind of delivery alike.

const SHA = "1234567890abcdef1234567890abcdef12345678";
let h: InProcess;
let port = 0;

beforeAll(async () => {
  h = await inProcessServer(
    { apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", approve: true } } },
    { webhook: { maxSignatureFailures: 1000 } },
  );
  await h.app.listen({ host: "127.0.0.1", port: 0 });
  const addr = h.app.server.address();
  port = typeof addr === "object" && addr ? addr.port : 0;
});
afterAll(() => h.close());

type Req = { headers: Record<string, string>; body: string | Buffer };
type Answer = { status: number; body: string; headers: Record<string, unknown> };

function overHttp(req: Req, url = "/webhook", method = "POST"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const r = request({ host: "127.0.0.1", port, path: url, method, headers: req.headers, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

async function injected(req: Req, url = "/webhook", method = "POST"): Promise<Answer> {
  const res = await h.app.inject({ method: method as "POST", url, headers: req.headers, payload: req.body });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}

/** Each request gets a fresh delivery id, so the two paths never see each other's deliveries as duplicates. */
function delivery(kind: string): Req {
  const push = (ref: string, secret = SECRET) =>
    signedPush("github", { fullName: "acme/shop", ref, after: SHA }, secret);
  switch (kind) {
    case "accepted":
      return push("refs/heads/main");
    case "ignored":
      return push("refs/heads/other");
    case "bad signature":
      return push("refs/heads/main", "not-the-secret");
    case "no signature": {
      const { "x-hub-signature-256": _, ...headers } = push("refs/heads/main").headers;
      return { headers, body: push("refs/heads/main").body };
    }
    case "broken JSON":
      return { headers: forgeHeaders("github", "{not json", SECRET), body: "{not json" };
    default:
      throw new Error(kind);
  }
}

const stable = (a: Answer) => ({
  status: a.status,
  // Deployment ids differ between the two requests; the shape and the rest must not.
  body: a.body.replace(/"id":"[^"]+"/, '"id":"…"'),
  csp: a.headers["content-security-policy"],
  nosniff: a.headers["x-content-type-options"],
  type: String(a.headers["content-type"]).split(";")[0],
});

describe("POST /webhook: fast path and Fastify route", () => {
  for (const kind of ["accepted", "ignored", "bad signature", "no signature", "broken JSON"]) {
    it(`answers a ${kind} delivery alike`, async () => {
      const fast = await overHttp(delivery(kind));
      const route = await injected(delivery(kind));
      expect(stable(fast)).toEqual(stable(route));
      expect(fast.status).toBe(
        { accepted: 202, ignored: 200, "bad signature": 401, "no signature": 401, "broken JSON": 400 }[kind],
      );
      expect(fast.headers["content-security-policy"]).toContain("default-src 'none'");
    });
  }

  it("answers a repeated delivery as a duplicate on both", async () => {
    const req = delivery("accepted");
    const first = await overHttp(req);
    expect(first.status).toBe(202);
    const again = await overHttp(req);
    const viaRoute = await injected(req);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ duplicate: true, id: JSON.parse(first.body).id });
    expect(JSON.parse(viaRoute.body)).toEqual(JSON.parse(again.body));
  });

  it("refuses a body over the limit with 413, before reading it", async () => {
    const req = delivery("accepted");
    const res = await overHttp({ headers: { ...req.headers, "content-length": String(26 * 1024 * 1024) }, body: "" });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error).toMatch(/too large/);
  });

  it("leaves other methods and paths to Fastify", async () => {
    const req = delivery("accepted");
    expect((await overHttp({ headers: {}, body: "" }, "/webhook", "GET")).status).toBe(404);
    expect((await overHttp(req, "/webhook/", "POST")).status).toBe(404);
    expect((await overHttp({ headers: {}, body: "" }, "/healthz", "GET")).status).toBe(200);
  });

  it("takes a query string on the webhook URL, as forges allow", async () => {
    const res = await overHttp(delivery("ignored"), "/webhook?source=github");
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).ignored).toBeTruthy();
  });

  it("answers a push to a branch no app deploys from its ref alone, and parses the rest otherwise", async () => {
    // The payload after the ref is not a valid push (no repository, no commit id): for a branch that no
    // app deploys it is never parsed, so it is ignored; for a deployed branch it is parsed and refused.
    const partial = (ref: string): Req => {
      const body = JSON.stringify({ ref, after: "not-a-commit" });
      return { headers: forgeHeaders("github", body, SECRET), body };
    };
    for (const answer of [overHttp, injected]) {
      const ignored = await answer(partial("refs/heads/feature"));
      expect(ignored.status).toBe(200);
      expect(JSON.parse(ignored.body).ignored).toBe(
        "push to feature; no github app deploys that branch (they deploy main)",
      );
      const parsed = await answer(partial("refs/heads/main"));
      expect(parsed.status).toBe(400);
      expect(JSON.parse(parsed.body).error).toMatch(/repository\.full_name or ref/);
    }
  });
});
