import { randomUUID } from "node:crypto";
import { BadRequestError } from "../errors.js";
import { commitId, dig, parseBody, SHA, text, ZERO_SHA } from "./body.js";
import { header, hmacSha256, sameBytes, sameText } from "./proof.js";
import type { ForgeAdapter, ForgeEvent, Headers, IncomingDelivery } from "./types.js";

const EVENT = "x-gitlab-event";
const TOKEN = "x-gitlab-token";
const SIGNATURE = "webhook-signature";
/** Standard Webhooks: a signed timestamp older or newer than this is a replay. */
const TOLERANCE_S = 5 * 60;

/** Standard Webhooks keys may come as `whsec_<base64>`; anything else is used as its bytes. */
function signingKey(secret: string): Buffer {
  return secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
}

/** GitLab's signed deliveries (Standard Webhooks): `v1,<base64>` HMAC of `<id>.<timestamp>.<body>`. */
function verifySigned(d: IncomingDelivery, secret: string): boolean {
  const id = header(d.headers, "webhook-id");
  const ts = header(d.headers, "webhook-timestamp");
  const sig = header(d.headers, SIGNATURE);
  if (!id || !ts || !sig || !/^\d{1,12}$/.test(ts)) return false;
  if (Math.abs(Date.now() / 1000 - Number(ts)) > TOLERANCE_S) return false;
  const want = hmacSha256(signingKey(secret), `${id}.${ts}.`, d.body);
  return sig
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .some((s) => sameBytes(want, Buffer.from(s.slice(3), "base64")));
}

/**
 * GitLab: X-Gitlab-Event (`Push Hook`, `Tag Push Hook`), X-Gitlab-Token equal to the secret, or a
 * Standard Webhooks `webhook-signature` when GitLab signs; Idempotency-Key or X-Gitlab-Event-UUID.
 */
export const gitlab: ForgeAdapter = {
  name: "gitlab",
  expects: "X-Gitlab-Event with X-Gitlab-Token (or webhook-signature)",
  matches: (headers: Headers) => header(headers, EVENT) !== undefined,
  checkHeaders(headers, signed) {
    if (!header(headers, EVENT)) return { status: 400, reason: "missing X-Gitlab-Event header" };
    if (!signed || header(headers, TOKEN) || header(headers, SIGNATURE)) return undefined;
    return { status: 401, reason: "missing X-Gitlab-Token header; set the secret token on GitLab's webhook" };
  },
  verify(d: IncomingDelivery, secret: string) {
    if (header(d.headers, SIGNATURE)) return verifySigned(d, secret);
    const token = header(d.headers, TOKEN);
    return token !== undefined && sameText(token, secret);
  },
  parse: (d: IncomingDelivery) => normalizeGitLab(d, parseBody(d)),
  testPush(t, secret) {
    const body = JSON.stringify({
      object_kind: "push",
      event_name: "push",
      before: ZERO_SHA,
      after: t.sha,
      ref: `refs/heads/${t.branch}`,
      checkout_sha: t.sha,
      user_username: t.pusher,
      project: { name: t.fullName.split("/").pop(), path_with_namespace: t.fullName, default_branch: t.branch },
      commits: [],
      total_commits_count: 0,
    });
    const headers = { [EVENT]: "Push Hook", "x-gitlab-event-uuid": randomUUID(), [TOKEN]: secret };
    return { headers: { "content-type": "application/json", ...headers }, body };
  },
};

export function normalizeGitLab(delivery: IncomingDelivery, p: Record<string, unknown>): ForgeEvent {
  const h = delivery.headers;
  const deliveryId = header(h, "idempotency-key") ?? header(h, "x-gitlab-event-uuid");
  const name = header(h, EVENT) ?? "";
  const kind = p.object_kind;
  if ((name !== "Push Hook" && name !== "Tag Push Hook") || (kind !== "push" && kind !== "tag_push")) {
    return { kind: "other", deliveryId, name: name || "(none)" };
  }
  const fullName = text(dig(p, "project", "path_with_namespace"));
  if (!fullName || typeof p.ref !== "string") {
    throw new BadRequestError("push payload lacks project.path_with_namespace or ref");
  }
  const rawAfter = commitId(p.after, "after");
  // checkout_sha is the commit a tag points to (`after` is the tag object for an annotated tag).
  const checkout = text(p.checkout_sha);
  const after = checkout && SHA.test(checkout) ? checkout : rawAfter;
  // `commits` is capped at 20: the head commit may be missing, and then so is its message.
  const commits = Array.isArray(p.commits) ? (p.commits as unknown[]) : [];
  const head = commits.find((c) => dig(c, "id") === after);
  return {
    kind: "push",
    deliveryId,
    push: {
      forge: "gitlab",
      deliveryId,
      repoFullName: fullName,
      repoName: fullName.split("/").pop() ?? "",
      defaultBranch: text(dig(p, "project", "default_branch")),
      ref: p.ref,
      before: p.before === undefined || p.before === null ? ZERO_SHA : commitId(p.before, "before"),
      after,
      deleted: rawAfter === ZERO_SHA,
      pusher: text(p.user_username) ?? text(p.user_name),
      headCommitMessage: text(dig(head, "message")),
    },
  };
}
