import { createHmac } from "node:crypto";
import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { BadRequestError, SignatureError } from "../../../src/errors.js";
import { normalizeGitHub, parseGitHubBody, verifyGitHubSignature } from "../../../src/forges/github.js";
import type { IncomingDelivery } from "../../../src/forges/types.js";
import { example, pushPayload } from "../../helpers/github.js";

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: "Hello, World!",
  signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
};

const SHA = "a".repeat(40);

function delivery(body: string | Buffer, headers: Record<string, string> = {}): IncomingDelivery {
  return { headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8") };
}

describe("verifyGitHubSignature", () => {
  it("accepts GitHub's published test vector", async () => {
    await expect(
      verifyGitHubSignature(delivery(VECTOR.body, { "x-hub-signature-256": VECTOR.signature }), VECTOR.secret),
    ).resolves.toBeUndefined();
  });

  it("accepts the header when Node hands it over as an array", async () => {
    const d: IncomingDelivery = {
      headers: { "x-hub-signature-256": [VECTOR.signature] },
      body: Buffer.from(VECTOR.body),
    };
    await expect(verifyGitHubSignature(d, VECTOR.secret)).resolves.toBeUndefined();
  });

  it("rejects a signature made with another secret", async () => {
    const other = await sign("not the secret", VECTOR.body);
    await expect(
      verifyGitHubSignature(delivery(VECTOR.body, { "x-hub-signature-256": other }), VECTOR.secret),
    ).rejects.toBeInstanceOf(SignatureError);
  });

  it("rejects the right signature over a different body (one byte changed)", async () => {
    await expect(
      verifyGitHubSignature(delivery("Hello, World?", { "x-hub-signature-256": VECTOR.signature }), VECTOR.secret),
    ).rejects.toBeInstanceOf(SignatureError);
  });

  it("rejects a truncated or malformed signature", async () => {
    for (const bad of [VECTOR.signature.slice(0, -2), "sha256=", "garbage", `sha1=${"0".repeat(40)}`]) {
      await expect(
        verifyGitHubSignature(delivery(VECTOR.body, { "x-hub-signature-256": bad }), VECTOR.secret),
      ).rejects.toBeInstanceOf(SignatureError);
    }
  });

  it("rejects a missing signature header with a message naming the header", async () => {
    const err = await verifyGitHubSignature(delivery(VECTOR.body), VECTOR.secret).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SignatureError);
    expect((err as SignatureError).statusCode).toBe(401);
    expect((err as Error).message).toMatch(/X-Hub-Signature-256/);
  });

  it("rejects an empty body", async () => {
    const sig = `sha256=${createHmac("sha256", VECTOR.secret).update("").digest("hex")}`;
    await expect(
      verifyGitHubSignature(delivery("", { "x-hub-signature-256": sig }), VECTOR.secret),
    ).rejects.toBeInstanceOf(SignatureError);
  });

  it("never puts the secret into the error message", async () => {
    const err = (await verifyGitHubSignature(
      delivery(VECTOR.body, { "x-hub-signature-256": "sha256=00" }),
      VECTOR.secret,
    ).catch((e: unknown) => e)) as Error;
    expect(err.message).not.toContain(VECTOR.secret);
  });
});

describe("parseGitHubBody", () => {
  it("parses a JSON body", () => {
    expect(parseGitHubBody(delivery('{"zen":"hi"}', { "content-type": "application/json" }))).toEqual({ zen: "hi" });
  });

  it("treats a body without content type as JSON", () => {
    expect(parseGitHubBody(delivery('{"a":1}'))).toEqual({ a: 1 });
  });

  it("accepts a content type with parameters and odd case", () => {
    expect(parseGitHubBody(delivery('{"a":1}', { "content-type": "Application/JSON; charset=utf-8" }))).toEqual({
      a: 1,
    });
  });

  it("takes the JSON from the `payload` field of a form body", () => {
    const body = new URLSearchParams({ payload: JSON.stringify({ ref: "refs/heads/main", x: "a&b=c+d" }) }).toString();
    expect(
      parseGitHubBody(delivery(body, { "content-type": "application/x-www-form-urlencoded; charset=utf-8" })),
    ).toEqual({ ref: "refs/heads/main", x: "a&b=c+d" });
  });

  it("rejects a form body without `payload` as a bad request", () => {
    expect(() => parseGitHubBody(delivery("foo=bar", { "content-type": "application/x-www-form-urlencoded" }))).toThrow(
      BadRequestError,
    );
  });

  it("rejects a form body whose payload is not JSON", () => {
    expect(() =>
      parseGitHubBody(delivery("payload=%7Bnope", { "content-type": "application/x-www-form-urlencoded" })),
    ).toThrow(BadRequestError);
  });

  it.each([
    ["broken JSON", '{"a":'],
    ["a JSON string", '"hello"'],
    ["JSON null", "null"],
    ["a JSON number", "42"],
    ["an empty body", ""],
  ])("rejects %s with a 400", (_name, body) => {
    const err = (() => {
      try {
        parseGitHubBody(delivery(body, { "content-type": "application/json" }));
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).statusCode).toBe(400);
  });
});

describe("normalizeGitHub", () => {
  const headers = (event: string, id = "delivery-1") => ({ "x-github-event": event, "x-github-delivery": id });

  it("turns a ping into a ping event with hook id and zen", () => {
    const p = example("ping");
    const e = normalizeGitHub(delivery("{}", headers("ping")), p);
    expect(e).toEqual({ kind: "ping", deliveryId: "delivery-1", hookId: p.hook_id, zen: p.zen });
    expect(typeof p.hook_id).toBe("number");
  });

  it("turns any other event into `other` with its name", () => {
    const e = normalizeGitHub(delivery("{}", headers("issues")), example("issues"));
    expect(e).toEqual({ kind: "other", deliveryId: "delivery-1", name: "issues" });
  });

  it("names a delivery without event header `(none)`", () => {
    const e = normalizeGitHub(delivery("{}"), {});
    expect(e).toMatchObject({ kind: "other", name: "(none)", deliveryId: undefined });
  });

  it("turns a branch push into a forge-neutral push", () => {
    const p = pushPayload({ fullName: "acme/shop", branch: "main", after: SHA, before: "b".repeat(40) });
    const e = normalizeGitHub(delivery("{}", headers("push")), p);
    expect(e.kind).toBe("push");
    if (e.kind !== "push") return;
    expect(e.push).toMatchObject({
      forge: "github",
      deliveryId: "delivery-1",
      repoFullName: "acme/shop",
      repoName: "shop",
      defaultBranch: "main",
      ref: "refs/heads/main",
      before: "b".repeat(40),
      after: SHA,
      deleted: false,
    });
    expect(e.push.pusher).toBe(p.pusher.name);
  });

  it("keeps the ref of a tag push (the real example payload)", () => {
    const p = example("push", (x) => String(x.ref).startsWith("refs/tags/") && x.deleted === false);
    const e = normalizeGitHub(delivery("{}", headers("push")), p);
    expect(e.kind).toBe("push");
    if (e.kind !== "push") return;
    expect(e.push.ref).toMatch(/^refs\/tags\//);
    expect(e.push.deleted).toBe(false);
  });

  it("marks a deletion (the real example payload)", () => {
    const p = example("push", (x) => x.deleted === true);
    const e = normalizeGitHub(delivery("{}", headers("push")), p);
    expect(e.kind === "push" && e.push.deleted).toBe(true);
  });

  it("marks an all-zero `after` as a deletion even when `deleted` is absent", () => {
    const p = pushPayload({ fullName: "acme/shop", after: "0".repeat(40) });
    delete p.deleted;
    const e = normalizeGitHub(delivery("{}", headers("push")), p);
    expect(e.kind === "push" && e.push.deleted).toBe(true);
  });

  it("rejects a push without repository or ref", () => {
    const p = pushPayload({ fullName: "acme/shop", after: SHA });
    delete p.repository;
    expect(() => normalizeGitHub(delivery("{}", headers("push")), p)).toThrow(BadRequestError);
  });

  it.each([
    ["a short after", { after: "abc" }],
    ["an uppercase after", { after: "A".repeat(40) }],
    ["an after with a flag in it", { after: "--upload-pack=touch /tmp/x" }],
    ["a malformed before", { before: "xyz" }],
  ])("rejects a push with %s", (_name, patch) => {
    const p = { ...pushPayload({ fullName: "acme/shop", after: SHA }), ...patch };
    expect(() => normalizeGitHub(delivery("{}", headers("push")), p)).toThrow(BadRequestError);
  });
});
