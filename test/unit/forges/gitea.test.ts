import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { gitea } from "../../../src/forges/gitea.js";
import { fixture } from "../../helpers/forges.js";

const SECRET = "gitea-secret";
const raw = (path: string) => Buffer.from(JSON.stringify(fixture(path)));
const hex = (b: Buffer, s = SECRET) => createHmac("sha256", s).update(b).digest("hex");

describe("gitea adapter", () => {
  it("turns real push payloads into push events", () => {
    const e = gitea.parse({
      body: raw("gitea/go-scm-push.json"),
      headers: { "x-gitea-event": "push", "x-gitea-delivery": "g1" },
    });
    expect(e).toMatchObject({
      kind: "push",
      deliveryId: "g1",
      push: {
        forge: "gitea",
        repoFullName: "gogits/hello-world",
        ref: "refs/heads/master",
        after: "4522cbcefc20728a5b72b3a86af35e608622c514",
        pusher: "unknwon",
      },
    });
    const e2 = gitea.parse({ body: raw("gitea/go-playground-push-event.json"), headers: { "x-gitea-event": "push" } });
    expect(e2.kind === "push" && e2.push.headCommitMessage).toBeTruthy();
  });

  it("reports create (tag) events as other", () => {
    const e = gitea.parse({ body: raw("gitea/go-scm-tag_create.json"), headers: { "x-gitea-event": "create" } });
    expect(e).toMatchObject({ kind: "other", name: "create" });
  });

  it("proof: good X-Gitea-Signature verifies; wrong, missing, prefixed or duplicated do not", () => {
    const body = raw("gitea/go-scm-push.json");
    const v = (sig?: string) =>
      gitea.verify({ body, headers: sig === undefined ? {} : { "x-gitea-signature": sig } }, SECRET);
    expect(v(hex(body))).toBe(true);
    expect(v(hex(body, "wrong"))).toBe(false);
    expect(v()).toBe(false);
    expect(v(`sha256=${hex(body)}`)).toBe(false);
    expect(v(`${hex(body)}, ${hex(body)}`)).toBe(false);
    expect(gitea.checkHeaders({ "x-gitea-event": "push" }, true)?.status).toBe(401);
    expect(gitea.checkHeaders({ "x-gitea-event": "push", "x-gitea-signature": "zz" }, true)?.status).toBe(401);
  });
});
