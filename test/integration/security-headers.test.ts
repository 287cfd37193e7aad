import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcess, inProcessServer, TOKEN } from "../helpers/runtime.js";

let s: InProcess;
beforeAll(async () => {
  s = await inProcessServer({ apps: { shop: { repo: "acme/shop", path: "/srv/shop", branch: "main" } } });
});
afterAll(() => s.close());

describe("security headers", () => {
  it.each(["/", "/ui/", "/ui/app.js", "/docs", "/docs/", "/docs/json", "/healthz", "/api/apps", "/nope"])(
    "%s has a strict CSP (no inline script, never framed), nosniff and a Referrer-Policy",
    async (url) => {
      const res = await s.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${TOKEN}` } });
      const csp = String(res.headers["content-security-policy"]);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-eval");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["x-frame-options"]).toBe("DENY");
    },
  );

  it("the dashboard page itself carries no inline script", async () => {
    const res = await s.app.inject({ method: "GET", url: "/ui/" });
    expect(res.statusCode).toBe(200);
    for (const tag of res.body.match(/<script[^>]*>/g) ?? []) expect(tag).toMatch(/ src="/);
    expect(res.body).not.toMatch(/\son[a-z]+="/);
  });
});
