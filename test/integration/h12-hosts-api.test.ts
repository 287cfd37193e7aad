import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type InProcess, inProcessServer, TOKEN } from "../helpers/runtime.js";

// Per-host status needs no engine to answer: an engine that does not is reported as such.
describe("GET /api/apps for an app on several hosts", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcessServer({
      apps: {
        shop: {
          repo: "acme/shop",
          path: "/srv/shop",
          branch: "main",
          hosts: [
            { name: "a", docker: "unix:///tmp/h12-nowhere/docker.sock" },
            { name: "b", context: "h12-no-such-context" },
          ],
        },
        blog: { repo: "acme/blog", path: "/srv/blog", branch: "main" },
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it("has one entry per host, in rollout order, each unreachable engine with null containers", async () => {
    const res = await h.app.inject({ method: "GET", url: "/api/apps", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(200);
    const list = res.json() as Record<string, any>[];
    const shop = list.find((a) => a.name === "shop")!;
    expect(shop.hosts).toEqual([
      { name: "a", engine: "unix:///tmp/h12-nowhere/docker.sock", currentSha: null, healthy: null, containers: null },
      { name: "b", engine: "context h12-no-such-context", currentSha: null, healthy: null, containers: null },
    ]);
    expect(shop.healthy).toBeNull();
    expect(list.find((a) => a.name === "blog")!.hosts).toBeNull();
  });
});
