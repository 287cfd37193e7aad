import { randomUUID } from "node:crypto";
import { BadRequestError } from "../errors.js";
import { commitId, dig, parseBody, text, ZERO_SHA } from "./body.js";
import { header, hexHmac, isHexHmac, verifyHexHmac } from "./proof.js";
import type { ForgeAdapter, ForgeEvent, Headers, IncomingDelivery, PushEvent } from "./types.js";

const EVENT = "x-event-key";
const SIGNATURE = "x-hub-signature";

/** Bitbucket Cloud: X-Event-Key (`repo:push`), X-Hub-Signature (`sha256=<hex>`), X-Request-UUID. */
export const bitbucket: ForgeAdapter = {
  name: "bitbucket",
  expects: "X-Event-Key with X-Hub-Signature",
  matches: (headers: Headers) => header(headers, EVENT) !== undefined,
  checkHeaders(headers, signed) {
    if (!header(headers, EVENT)) return { status: 400, reason: "missing X-Event-Key header" };
    if (!signed) return undefined;
    const sig = header(headers, SIGNATURE);
    if (!sig) return { status: 401, reason: "missing X-Hub-Signature header; set the webhook secret on Bitbucket" };
    if (!isHexHmac(sig, "sha256=")) return { status: 401, reason: "malformed X-Hub-Signature (want sha256=<64 hex>)" };
    return undefined;
  },
  verify: (d: IncomingDelivery, secret: string) =>
    verifyHexHmac(d.body, secret, header(d.headers, SIGNATURE), "sha256="),
  parse: (d: IncomingDelivery) => normalizeBitbucket(d, parseBody(d)),
  testPush(t, secret) {
    const target = { type: "commit", hash: t.sha, message: "deployer send-test" };
    const body = JSON.stringify({
      push: { changes: [{ new: { type: "branch", name: t.branch, target }, old: null }] },
      repository: { full_name: t.fullName, name: t.fullName.split("/").pop(), mainbranch: { name: t.branch } },
      actor: { nickname: t.pusher },
    });
    const headers = {
      [EVENT]: "repo:push",
      "x-request-uuid": randomUUID(),
      [SIGNATURE]: `sha256=${hexHmac(secret, body)}`,
    };
    return { headers: { "content-type": "application/json", ...headers }, body };
  },
};

/** One entry of `push.changes[]`: a ref that moved, was created, or was deleted. */
function change(
  c: unknown,
  base: Omit<PushEvent, "ref" | "before" | "after" | "deleted" | "headCommitMessage">,
): PushEvent {
  const next = dig(c, "new");
  const prev = dig(c, "old");
  const side = next ?? prev;
  const type = text(dig(side, "type"));
  const name = text(dig(side, "name"));
  if (!name || (type !== "branch" && type !== "tag")) {
    throw new BadRequestError("push change lacks new/old name and type (branch or tag)");
  }
  const after = next ? commitId(dig(next, "target", "hash"), "changes[].new.target.hash") : ZERO_SHA;
  return {
    ...base,
    ref: `refs/${type === "tag" ? "tags" : "heads"}/${name}`,
    before: prev ? commitId(dig(prev, "target", "hash"), "changes[].old.target.hash") : ZERO_SHA,
    after,
    deleted: !next,
    headCommitMessage: text(dig(next, "target", "message")),
  };
}

export function normalizeBitbucket(delivery: IncomingDelivery, p: Record<string, unknown>): ForgeEvent {
  const deliveryId = header(delivery.headers, "x-request-uuid");
  const name = header(delivery.headers, EVENT) ?? "";
  if (name === "diagnostics:ping") return { kind: "ping", deliveryId, hookId: undefined, zen: undefined };
  if (name !== "repo:push") return { kind: "other", deliveryId, name: name || "(none)" };
  const fullName = text(dig(p, "repository", "full_name"));
  const changes = dig(p, "push", "changes");
  if (!fullName || !Array.isArray(changes))
    throw new BadRequestError("push payload lacks repository.full_name or push.changes");
  const base = {
    forge: "bitbucket" as const,
    deliveryId,
    repoFullName: fullName,
    // repository.name is the display name (may hold spaces); the slug is the last part of full_name.
    repoName: fullName.split("/").pop() ?? "",
    defaultBranch: text(dig(p, "repository", "mainbranch", "name")),
    pusher:
      text(dig(p, "actor", "nickname")) ?? text(dig(p, "actor", "username")) ?? text(dig(p, "actor", "display_name")),
  };
  const [first, ...more] = changes.map((c) => change(c, base));
  if (!first) return { kind: "other", deliveryId, name: "repo:push without changes" };
  return { kind: "push", deliveryId, push: first, ...(more.length > 0 ? { more } : {}) };
}
