import { randomUUID } from "node:crypto";
import { BadRequestError, SignatureError } from "../errors.js";
import { commitId, dig, parseBody, text, ZERO_SHA } from "./body.js";
import { peekPush } from "./leading-ref.js";
import { header, hexHmac, isHexHmac, verifyHexHmac } from "./proof.js";
import type { ForgeAdapter, ForgeEvent, Headers, IncomingDelivery } from "./types.js";

const EVENT = "x-github-event";
const SIGNATURE = "x-hub-signature-256";

/** GitHub: X-GitHub-Event, X-Hub-Signature-256 (`sha256=<hex>` HMAC of the raw body), X-GitHub-Delivery. */
export const github: ForgeAdapter = {
  name: "github",
  expects: "X-GitHub-Event with X-Hub-Signature-256",
  matches: (headers: Headers) => header(headers, EVENT) !== undefined,
  checkHeaders(headers, signed) {
    if (!header(headers, EVENT)) return { status: 400, reason: "missing X-GitHub-Event header" };
    const sig = header(headers, SIGNATURE);
    if (!signed) return undefined;
    if (!sig) return { status: 401, reason: "missing X-Hub-Signature-256 header; set the webhook secret on GitHub" };
    if (!isHexHmac(sig, "sha256="))
      return { status: 401, reason: "malformed X-Hub-Signature-256 (want sha256=<64 hex>)" };
    return undefined;
  },
  verify: (d: IncomingDelivery, secret: string) =>
    verifyHexHmac(d.body, secret, header(d.headers, SIGNATURE), "sha256="),
  peekPush: (d: IncomingDelivery) => peekPush(d, EVENT, "x-github-delivery"),
  parse: (d: IncomingDelivery) => normalizeGitHub(d, parseBody(d)),
  testPush(t, secret) {
    const [, name] = t.fullName.split("/");
    const body = JSON.stringify({
      ref: `refs/heads/${t.branch}`,
      before: ZERO_SHA,
      after: t.sha,
      created: false,
      deleted: false,
      forced: false,
      repository: { name, full_name: t.fullName, default_branch: t.branch },
      pusher: { name: t.pusher },
      head_commit: null,
    });
    const headers = {
      [EVENT]: "push",
      "x-github-delivery": randomUUID(),
      [SIGNATURE]: `sha256=${hexHmac(secret, body)}`,
    };
    return { headers: { "content-type": "application/json", ...headers }, body };
  },
};

/** Turns a GitHub delivery into a forge-neutral event. */
export function normalizeGitHub(delivery: IncomingDelivery, p: Record<string, unknown>): ForgeEvent {
  const deliveryId = header(delivery.headers, "x-github-delivery");
  const name = header(delivery.headers, EVENT) ?? "";
  if (name === "ping") {
    const hookId = p.hook_id;
    return { kind: "ping", deliveryId, hookId: typeof hookId === "number" ? hookId : undefined, zen: text(p.zen) };
  }
  if (name !== "push") return { kind: "other", deliveryId, name: name || "(none)" };

  const fullName = text(dig(p, "repository", "full_name"));
  if (!fullName || typeof p.ref !== "string") {
    throw new BadRequestError("push payload lacks repository.full_name or ref");
  }
  const after = commitId(p.after, "after");
  const before = p.before === undefined || p.before === null ? ZERO_SHA : commitId(p.before, "before");
  return {
    kind: "push",
    deliveryId,
    push: {
      forge: "github",
      deliveryId,
      repoFullName: fullName,
      repoName: text(dig(p, "repository", "name")) ?? fullName.split("/").pop() ?? "",
      defaultBranch: text(dig(p, "repository", "default_branch")),
      ref: p.ref,
      before,
      after,
      deleted: p.deleted === true || after === ZERO_SHA,
      pusher: text(dig(p, "pusher", "name")) ?? text(dig(p, "sender", "login")),
      headCommitMessage: text(dig(p, "head_commit", "message")),
    },
  };
}

/** Checks X-Hub-Signature-256 over the exact bytes received; throws SignatureError saying what is wrong. */
export async function verifyGitHubSignature(delivery: IncomingDelivery, secret: string): Promise<void> {
  const signature = header(delivery.headers, SIGNATURE);
  if (!signature) throw new SignatureError("missing X-Hub-Signature-256 header; set the webhook secret on GitHub");
  if (delivery.body.length === 0) throw new SignatureError("empty body cannot carry a valid signature");
  if (!github.verify(delivery, secret)) {
    throw new SignatureError("signature does not match; check that GitHub and deployer use the same secret");
  }
}

/** GitHub sends either JSON or a form body with the JSON in `payload`. */
export const parseGitHubBody = parseBody;
