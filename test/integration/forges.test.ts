import { afterEach, describe, expect, it } from "vitest";
import { FORGES, type Forge, forgeHeaders, signedPush } from "../helpers/forges.js";
import { example } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

const SHA = "1234567890abcdef1234567890abcdef12345678";
const SHA2 = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";
let h: InProcess | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const post = (server: InProcess, req: { headers: Record<string, string>; body: string | Buffer }) =>
  server.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
const api = (server: InProcess, method: "GET" | "POST", url: string) =>
  server.app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` } });

describe("POST /webhook from every forge", () => {
  it.each(FORGES)("queues a %s push for the app of that forge", async (forge: Forge) => {
    h = await inProcessServer({ apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", forge } } });
    const res = await post(h, signedPush(forge, { fullName: "acme/shop", ref: "refs/heads/main", after: SHA }, SECRET));
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ app: "shop", status: "queued", sha: SHA });
  });

  it("an app accepts only deliveries from its own forge", async () => {
    h = await inProcessServer({
      apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", forge: "gitlab" } },
    });
    const res = await post(
      h,
      signedPush("gitea", { fullName: "acme/shop", ref: "refs/heads/main", after: SHA }, SECRET),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().ignored).toMatch(/shop takes pushes from gitlab/);
    expect(h.runtime.store.list()).toHaveLength(0);
  });

  it("answers 400 naming the expected headers when a delivery matches no forge", async () => {
    h = await inProcessServer({ apps: {} });
    const res = await post(h, { headers: { "content-type": "application/json" }, body: "{}" });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(/X-GitHub-Event.*X-Gitlab-Event|X-Gitlab-Event.*X-GitHub-Event/);
  });

  it("answers GitHub's ping and Bitbucket's diagnostics:ping with pong", async () => {
    h = await inProcessServer({ apps: {} });
    const ping = JSON.stringify(example("ping"));
    expect((await post(h, { headers: forgeHeaders("github", ping, SECRET, "ping"), body: ping })).json()).toMatchObject(
      {
        message: "pong",
      },
    );
    const bb = forgeHeaders("bitbucket", "{}", SECRET, "diagnostics:ping");
    expect((await post(h, { headers: bb, body: "{}" })).json()).toMatchObject({ message: "pong" });
  });

  it("a tag push deploys the apps whose tags glob matches, at the tagged commit; branch apps ignore it", async () => {
    h = await inProcessServer({
      apps: {
        prod: { repo: "acme/shop", path: "/tmp/a", tags: "v*", forge: "gitlab" },
        main: { repo: "acme/shop", path: "/tmp/b", branch: "main", forge: "gitlab" },
      },
    });
    const res = await post(
      h,
      signedPush("gitlab", { fullName: "acme/shop", ref: "refs/tags/v1.2.0", after: SHA }, SECRET),
    );
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ app: "prod", sha: SHA });
    expect(h.runtime.store.get(res.json().id)).toMatchObject({ ref: "refs/tags/v1.2.0", branch: null });
    const other = await post(
      h,
      signedPush("gitlab", { fullName: "acme/shop", ref: "refs/tags/rc1", after: SHA }, SECRET),
    );
    expect(other.json().ignored).toMatch(/tag rc1 matches no app's tags/);
  });

  it("refuses an app with both branch and tags", async () => {
    await expect(inProcessServer({ apps: { x: { path: "/tmp/x", branch: "main", tags: "v*" } } })).rejects.toThrow(
      /mutually exclusive/,
    );
  });

  it("one push deploys several apps, and the 202 lists them all", async () => {
    h = await inProcessServer({
      apps: {
        api: { repo: "acme/mono", path: "/tmp/a", branch: "main", forge: "forgejo", paths: ["api/**"] },
        web: { repo: "acme/mono", path: "/tmp/b", branch: "main", forge: "forgejo", paths: ["web/**"] },
      },
    });
    const res = await post(
      h,
      signedPush("forgejo", { fullName: "acme/mono", ref: "refs/heads/main", after: SHA }, SECRET),
    );
    expect(res.statusCode).toBe(202);
    expect(
      res
        .json()
        .deployments.map((d: { app: string }) => d.app)
        .sort(),
    ).toEqual(["api", "web"]);
  });

  it("a redelivered delivery id is answered as a duplicate and queues nothing", async () => {
    h = await inProcessServer({
      apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", forge: "bitbucket" } },
    });
    const req = signedPush("bitbucket", { fullName: "acme/shop", ref: "refs/heads/main", after: SHA }, SECRET);
    expect((await post(h, req)).statusCode).toBe(202);
    const again = await post(h, req);
    expect(again.json()).toMatchObject({ duplicate: true });
    expect(h.runtime.store.list()).toHaveLength(1);
  });
});

describe("approval (approve: true)", () => {
  it("holds a push as waiting until POST /api/deployments/:id/approve; a newer push replaces a waiting one", async () => {
    h = await inProcessServer({ apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", approve: true } } });
    const first = await post(
      h,
      signedPush("github", { fullName: "acme/shop", ref: "refs/heads/main", after: SHA }, SECRET),
    );
    expect(first.json()).toMatchObject({ status: "waiting" });
    h.runtime.queue.kick();
    expect(h.executed).toHaveLength(0);

    const second = await post(
      h,
      signedPush("github", { fullName: "acme/shop", ref: "refs/heads/main", after: SHA2 }, SECRET),
    );
    expect(h.runtime.store.get(first.json().id)?.status).toBe("superseded");

    expect((await api(h, "POST", `/api/deployments/${first.json().id}/approve`)).statusCode).toBe(409);
    expect((await api(h, "POST", "/api/deployments/nope/approve")).statusCode).toBe(404);
    const ok = await api(h, "POST", `/api/deployments/${second.json().id}/approve`);
    expect(ok.statusCode).toBe(200);
    await h.runtime.queue.idle();
    expect(h.executed.map((d) => d.sha)).toEqual([SHA2]);
    expect(h.runtime.store.get(second.json().id)?.status).toBe("succeeded");
  });

  it("a waiting deployment can be cancelled", async () => {
    h = await inProcessServer({ apps: { shop: { repo: "acme/shop", path: "/tmp/x", branch: "main", approve: true } } });
    const res = await post(
      h,
      signedPush("github", { fullName: "acme/shop", ref: "refs/heads/main", after: SHA }, SECRET),
    );
    const c = await api(h, "POST", `/api/deployments/${res.json().id}/cancel`);
    expect(c.json()).toMatchObject({ status: "cancelled" });
  });
});
