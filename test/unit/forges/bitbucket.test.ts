import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bitbucket } from "../../../src/forges/bitbucket.js";
import { fixture } from "../../helpers/forges.js";

const SECRET = "bitbucket-secret";
const raw = (path: string) => Buffer.from(JSON.stringify(fixture(path)));
const sig = (b: Buffer, s = SECRET) => `sha256=${createHmac("sha256", s).update(b).digest("hex")}`;
const push = (path: string) =>
  bitbucket.parse({ body: raw(path), headers: { "x-event-key": "repo:push", "x-request-uuid": "b1" } });

describe("bitbucket adapter", () => {
  it("turns each push.changes[] entry of a real repo:push into a push", () => {
    expect(push("bitbucket/go-scm-push.json")).toMatchObject({
      kind: "push",
      deliveryId: "b1",
      push: {
        forge: "bitbucket",
        repoFullName: "brydzewski/foo",
        ref: "refs/heads/master",
        after: "141977fedf5cf35aa290ac87d4b5177ac4cd9de1",
        before: "40e7580cf11311d84a6e5e97e2cbba6df1675750",
        headCommitMessage: "Update README\n",
        deleted: false,
      },
    });
    expect(push("bitbucket/go-playground-repo-push.json")).toMatchObject({
      push: { repoFullName: "team_name/repo_name", ref: "refs/heads/name-of-branch", pusher: "emmap1" },
    });
  });

  it("reads tag creation as a tag push and a branch deletion as deleted", () => {
    const tag = push("bitbucket/go-scm-push_tag_create.json");
    expect(tag.kind === "push" && tag.push.ref).toBe("refs/tags/feature/x");
    const del = push("bitbucket/go-scm-push_branch_delete.json");
    expect(del.kind === "push" && del.push).toMatchObject({ ref: "refs/heads/develop", deleted: true });
  });

  it("one delivery moving several refs gives one push per ref", () => {
    const p = fixture("bitbucket/go-scm-push.json");
    const second = structuredClone(p.push.changes[0]);
    second.new.name = "other";
    p.push.changes.push(second);
    const e = bitbucket.parse({ body: Buffer.from(JSON.stringify(p)), headers: { "x-event-key": "repo:push" } });
    expect(e.kind === "push" && [e.push.ref, ...(e.more ?? []).map((m) => m.ref)]).toEqual([
      "refs/heads/master",
      "refs/heads/other",
    ]);
  });

  it("answers diagnostics:ping as a ping and other keys as other", () => {
    expect(bitbucket.parse({ body: Buffer.from("{}"), headers: { "x-event-key": "diagnostics:ping" } }).kind).toBe(
      "ping",
    );
    expect(
      bitbucket.parse({ body: raw("bitbucket/go-scm-push.json"), headers: { "x-event-key": "pullrequest:created" } })
        .kind,
    ).toBe("other");
  });

  it("proof: good X-Hub-Signature verifies; wrong, missing, unprefixed or duplicated do not", () => {
    const body = raw("bitbucket/go-scm-push.json");
    const v = (s?: string) =>
      bitbucket.verify({ body, headers: s === undefined ? {} : { "x-hub-signature": s } }, SECRET);
    expect(v(sig(body))).toBe(true);
    expect(v(sig(body, "wrong"))).toBe(false);
    expect(v()).toBe(false);
    expect(v(sig(body).slice("sha256=".length))).toBe(false);
    expect(v(`${sig(body)}, ${sig(body)}`)).toBe(false);
    expect(bitbucket.checkHeaders({ "x-event-key": "repo:push" }, true)?.status).toBe(401);
  });
});
