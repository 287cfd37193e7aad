import { describe, expect, it } from "vitest";
import { leadingRef, peekPush } from "../../../src/forges/leading-ref.js";

const json = { "content-type": "application/json" };
const ref = (body: string, headers: Record<string, string> = json) => leadingRef({ headers, body: Buffer.from(body) });

describe("leadingRef", () => {
  it("reads the ref when the JSON body opens with it, as GitHub, Gitea and Forgejo send it", () => {
    expect(ref('{"ref":"refs/heads/feature/x","before":"0"}')).toBe("refs/heads/feature/x");
    expect(ref('{"ref":"refs/heads/ünïcode","after":1}')).toBe("refs/heads/ünïcode");
    expect(ref('{"ref":"refs/heads/main","x":1}', {})).toBe("refs/heads/main");
    expect(ref('{"ref":"refs/heads/main","x":1}', { "content-type": "application/json; charset=utf-8" })).toBe(
      "refs/heads/main",
    );
  });

  it("leaves everything else to the full parser", () => {
    for (const body of [
      '{ "ref":"refs/heads/main","x":1}', // whitespace
      '{"before":"0","ref":"refs/heads/main"}', // not the first member
      '{"ref":"refs\\/heads\\/main","x":1}', // an escape: the parser decodes it
      '{"ref":"refs/heads/main"}', // the only member: nothing to gain
      '{"ref":"refs/heads/ma\u0001in","x":1}', // a control character is invalid JSON
      '{"ref":"refs/heads/main', // cut off
      '{"ref":7,"x":1}',
      "",
    ])
      expect(ref(body), body).toBeUndefined();
    expect(ref('{"ref":"refs/heads/main","x":1}', { "content-type": "application/x-www-form-urlencoded" })).toBe(
      undefined,
    );
  });
});

describe("peekPush", () => {
  const body = Buffer.from('{"ref":"refs/heads/dev","after":"0"}');
  it("takes push events only, with the delivery id", () => {
    const headers = { ...json, "x-github-event": "push", "x-github-delivery": "d-1" };
    expect(peekPush({ headers, body }, "x-github-event", "x-github-delivery")).toEqual({
      ref: "refs/heads/dev",
      deliveryId: "d-1",
    });
    expect(peekPush({ headers: { ...headers, "x-github-event": "ping" }, body }, "x-github-event", "x")).toBe(
      undefined,
    );
  });
});
