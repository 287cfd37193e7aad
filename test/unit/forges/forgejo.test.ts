import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { forgejo } from "../../../src/forges/forgejo.js";
import { fixture } from "../../helpers/forges.js";

const SECRET = "forgejo-secret";
const raw = (path: string) => Buffer.from(JSON.stringify(fixture(path)));
const hex = (b: Buffer, s = SECRET) => createHmac("sha256", s).update(b).digest("hex");

describe("forgejo adapter", () => {
  it("turns real push payloads into push events", () => {
    for (const f of [
      "forgejo/woodpecker-HookPush.json",
      "forgejo/woodpecker-HookPushMulti.json",
      "forgejo/woodpecker-HookPushBranch.json",
    ]) {
      const e = forgejo.parse({ body: raw(f), headers: { "x-forgejo-event": "push", "x-forgejo-delivery": "f1" } });
      expect(e.kind, f).toBe("push");
      expect(e.kind === "push" && e.push.forge).toBe("forgejo");
      expect(e.deliveryId).toBe("f1");
    }
    const e = forgejo.parse({ body: raw("forgejo/woodpecker-HookPush.json"), headers: { "x-forgejo-event": "push" } });
    expect(e).toMatchObject({
      push: { repoFullName: "gordon/hello-world", after: "ef98532add3b2feb7a137426bba1248724367df5", pusher: "gordon" },
    });
  });

  it("reports the create (tag) event as other", () => {
    expect(
      forgejo.parse({ body: raw("forgejo/woodpecker-HookTag.json"), headers: { "x-forgejo-event": "create" } }).kind,
    ).toBe("other");
  });

  it("proof: good X-Forgejo-Signature verifies; wrong, missing or duplicated do not, nor Gitea's header alone", () => {
    const body = raw("forgejo/woodpecker-HookPush.json");
    const v = (h: Record<string, string>) => forgejo.verify({ body, headers: h }, SECRET);
    expect(v({ "x-forgejo-signature": hex(body) })).toBe(true);
    expect(v({ "x-forgejo-signature": hex(body, "wrong") })).toBe(false);
    expect(v({})).toBe(false);
    expect(v({ "x-gitea-signature": hex(body) })).toBe(false);
    expect(v({ "x-forgejo-signature": `${hex(body)}, ${hex(body)}` })).toBe(false);
  });
});
