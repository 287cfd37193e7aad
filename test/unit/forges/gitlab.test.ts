import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../src/errors.js";
import { gitlab } from "../../../src/forges/gitlab.js";
import { fixture } from "../../helpers/forges.js";

const SECRET = "gitlab-secret";
const raw = (path: string) => Buffer.from(JSON.stringify(fixture(path)));
const d = (body: Buffer, headers: Record<string, string>) => ({ body, headers });

describe("gitlab adapter", () => {
  it("turns a real Push Hook into a push event (checkout_sha, path_with_namespace, Idempotency-Key)", () => {
    const e = gitlab.parse(
      d(raw("gitlab/go-scm-push.json"), {
        "x-gitlab-event": "Push Hook",
        "idempotency-key": "k1",
        "x-gitlab-event-uuid": "u1",
      }),
    );
    expect(e).toMatchObject({
      kind: "push",
      deliveryId: "k1",
      push: {
        forge: "gitlab",
        repoFullName: "gitlab-org/hello-world",
        repoName: "hello-world",
        ref: "refs/heads/master",
        after: "2adc9465c4edfc33834e173fe89436a7cb899a1d",
        before: "9217710ce8c7e1eae7a5d1c45f6e43e1c769f866",
        pusher: "sytses",
        deleted: false,
      },
    });
  });

  it("falls back to X-Gitlab-Event-UUID for the delivery id, and reads subgroups' full path", () => {
    const e = gitlab.parse(
      d(raw("gitlab/go-scm-push_subgroup.json"), { "x-gitlab-event": "Push Hook", "x-gitlab-event-uuid": "u1" }),
    );
    expect(e.deliveryId).toBe("u1");
    expect(e.kind === "push" && e.push.repoFullName.split("/").length).toBeGreaterThanOrEqual(3);
  });

  it("turns real Tag Push Hooks into tag pushes, and a tag deletion into a deleted push", () => {
    for (const f of ["gitlab/go-scm-tag_create.json", "gitlab/go-playground-tag-event.json"]) {
      const e = gitlab.parse(d(raw(f), { "x-gitlab-event": "Tag Push Hook" }));
      expect(e.kind === "push" && e.push.ref).toBe("refs/tags/v1.0.0");
    }
    const del = gitlab.parse(d(raw("gitlab/go-scm-tag_delete.json"), { "x-gitlab-event": "Tag Push Hook" }));
    expect(del.kind === "push" && del.push.deleted).toBe(true);
  });

  it("takes the head commit's message from commits[] when it is there", () => {
    const e = gitlab.parse(d(raw("gitlab/go-scm-push.json"), { "x-gitlab-event": "Push Hook" }));
    expect(e.kind === "push" && typeof e.push.headCommitMessage).toBe("string");
  });

  it("reports other events as other", () => {
    expect(gitlab.parse(d(raw("gitlab/go-scm-push.json"), { "x-gitlab-event": "Issue Hook" })).kind).toBe("other");
  });

  it("proof: a good X-Gitlab-Token verifies; a wrong, missing or duplicated one does not", () => {
    const body = raw("gitlab/go-scm-push.json");
    expect(gitlab.verify(d(body, { "x-gitlab-token": SECRET }), SECRET)).toBe(true);
    expect(gitlab.verify(d(body, { "x-gitlab-token": "wrong" }), SECRET)).toBe(false);
    expect(gitlab.verify(d(body, {}), SECRET)).toBe(false);
    expect(gitlab.verify(d(body, { "x-gitlab-token": `${SECRET}, ${SECRET}` }), SECRET)).toBe(false);
    expect(gitlab.checkHeaders({ "x-gitlab-event": "Push Hook" }, true)?.status).toBe(401);
    expect(gitlab.checkHeaders({ "x-gitlab-event": "Push Hook", "x-gitlab-token": "x" }, true)).toBeUndefined();
  });

  it("proof: a Standard Webhooks webhook-signature verifies over id.timestamp.body; stale or tampered does not", () => {
    const body = raw("gitlab/go-scm-push.json");
    const ts = String(Math.floor(Date.now() / 1000));
    const sign = (t: string, b: Buffer) =>
      `v1,${createHmac("sha256", SECRET).update(`msg-1.${t}.`).update(b).digest("base64")}`;
    const h = (t: string, sig: string) => ({ "webhook-id": "msg-1", "webhook-timestamp": t, "webhook-signature": sig });
    expect(gitlab.verify(d(body, h(ts, sign(ts, body))), SECRET)).toBe(true);
    expect(gitlab.verify(d(body, h(ts, `v1,bogus ${sign(ts, body)}`)), SECRET)).toBe(true);
    expect(gitlab.verify(d(Buffer.concat([body, Buffer.from(" ")]), h(ts, sign(ts, body))), SECRET)).toBe(false);
    const old = String(Number(ts) - 3600);
    expect(gitlab.verify(d(body, h(old, sign(old, body))), SECRET)).toBe(false);
    expect(gitlab.verify(d(body, h(ts, sign(ts, body))), "other")).toBe(false);
  });

  it("refuses a push payload without a project path (400)", () => {
    const p = fixture("gitlab/go-scm-push.json");
    delete p.project;
    expect(() => gitlab.parse(d(Buffer.from(JSON.stringify(p)), { "x-gitlab-event": "Push Hook" }))).toThrow(
      BadRequestError,
    );
  });
});
