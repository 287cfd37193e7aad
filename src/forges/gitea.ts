import { randomUUID } from "node:crypto";
import type { ForgeName } from "../config/schema.js";
import { BadRequestError } from "../errors.js";
import { commitId, dig, parseBody, text, ZERO_SHA } from "./body.js";
import { peekPush } from "./leading-ref.js";
import { header, hexHmac, isHexHmac, verifyHexHmac } from "./proof.js";
import type { ForgeAdapter, ForgeEvent, Headers, IncomingDelivery } from "./types.js";

/**
 * Gitea and Forgejo (a fork of it) send the same payloads under their own header names:
 * X-<Forge>-Event, X-<Forge>-Signature (hex HMAC-SHA256, no prefix), X-<Forge>-Delivery.
 */
export function giteaLike(name: "gitea" | "forgejo", label: string): ForgeAdapter {
  const lower = label.toLowerCase();
  const EVENT = `x-${lower}-event`;
  const SIGNATURE = `x-${lower}-signature`;
  return {
    name,
    expects: `X-${label}-Event with X-${label}-Signature`,
    matches: (headers: Headers) => header(headers, EVENT) !== undefined,
    checkHeaders(headers, signed) {
      if (!header(headers, EVENT)) return { status: 400, reason: `missing X-${label}-Event header` };
      if (!signed) return undefined;
      const sig = header(headers, SIGNATURE);
      if (!sig)
        return { status: 401, reason: `missing X-${label}-Signature header; set the webhook secret on ${label}` };
      if (!isHexHmac(sig)) return { status: 401, reason: `malformed X-${label}-Signature (want 64 hex digits)` };
      return undefined;
    },
    verify: (d: IncomingDelivery, secret: string) => verifyHexHmac(d.body, secret, header(d.headers, SIGNATURE)),
    peekPush: (d: IncomingDelivery) => peekPush(d, EVENT, `x-${lower}-delivery`),
    parse: (d: IncomingDelivery) =>
      normalizeGiteaLike(name, header(d.headers, EVENT), header(d.headers, `x-${lower}-delivery`), parseBody(d)),
    testPush(t, secret) {
      const body = JSON.stringify({
        ref: `refs/heads/${t.branch}`,
        before: ZERO_SHA,
        after: t.sha,
        commits: [],
        repository: { name: t.fullName.split("/").pop(), full_name: t.fullName, default_branch: t.branch },
        pusher: { login: t.pusher, username: t.pusher },
      });
      const headers = { [EVENT]: "push", [`x-${lower}-delivery`]: randomUUID(), [SIGNATURE]: hexHmac(secret, body) };
      return { headers: { "content-type": "application/json", ...headers }, body };
    },
  };
}

/** Gitea: X-Gitea-Event, X-Gitea-Signature, X-Gitea-Delivery. Also sends GitHub-style headers. */
export const gitea = giteaLike("gitea", "Gitea");

export function normalizeGiteaLike(
  forge: ForgeName,
  name: string | undefined,
  deliveryId: string | undefined,
  p: Record<string, unknown>,
): ForgeEvent {
  if (name === "ping") return { kind: "ping", deliveryId, hookId: undefined, zen: undefined };
  if (name !== "push") return { kind: "other", deliveryId, name: name || "(none)" };
  const fullName = text(dig(p, "repository", "full_name"));
  if (!fullName || typeof p.ref !== "string") {
    throw new BadRequestError("push payload lacks repository.full_name or ref");
  }
  const after = commitId(p.after, "after");
  const commits = Array.isArray(p.commits) ? (p.commits as unknown[]) : [];
  const head = dig(p, "head_commit") ?? commits.find((c) => dig(c, "id") === after);
  return {
    kind: "push",
    deliveryId,
    push: {
      forge,
      deliveryId,
      repoFullName: fullName,
      repoName: text(dig(p, "repository", "name")) ?? fullName.split("/").pop() ?? "",
      defaultBranch: text(dig(p, "repository", "default_branch")),
      ref: p.ref,
      before: p.before === undefined || p.before === null || p.before === "" ? ZERO_SHA : commitId(p.before, "before"),
      after,
      deleted: after === ZERO_SHA,
      pusher: text(dig(p, "pusher", "login")) ?? text(dig(p, "pusher", "username")) ?? text(dig(p, "sender", "login")),
      headCommitMessage: text(dig(head, "message")),
    },
  };
}
