import type { components } from "@octokit/openapi-webhooks-types";
import { verify } from "@octokit/webhooks-methods";
import { BadRequestError, SignatureError } from "../errors.js";
import type { ForgeEvent, IncomingDelivery } from "./types.js";

type Push = components["schemas"]["webhook-push"];

function header(d: IncomingDelivery, name: string): string | undefined {
  const v = d.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Checks X-Hub-Signature-256 over the exact bytes received (constant-time compare in webhooks-methods). */
export async function verifyGitHubSignature(delivery: IncomingDelivery, secret: string): Promise<void> {
  const signature = header(delivery, "x-hub-signature-256");
  if (!signature) throw new SignatureError("missing X-Hub-Signature-256 header; set the webhook secret on GitHub");
  if (delivery.body.length === 0) throw new SignatureError("empty body cannot carry a valid signature");
  const ok = await verify(secret, delivery.body.toString("utf8"), signature);
  if (!ok) throw new SignatureError("signature does not match; check that GitHub and deployer use the same secret");
}

/** GitHub sends either JSON or a form body with the JSON in `payload`. */
export function parseGitHubBody(delivery: IncomingDelivery): unknown {
  const type = (header(delivery, "content-type") ?? "application/json").split(";")[0]?.trim().toLowerCase();
  let json = delivery.body.toString("utf8");
  if (type === "application/x-www-form-urlencoded") {
    const payload = new URLSearchParams(json).get("payload");
    if (payload === null) throw new BadRequestError("form body has no `payload` field");
    json = payload;
  }
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object") throw new Error("not an object");
    return value;
  } catch {
    throw new BadRequestError("body is not valid JSON");
  }
}

const SHA = /^[0-9a-f]{40}$/;

/** Turns a verified GitHub delivery into a forge-neutral event. */
export function normalizeGitHub(delivery: IncomingDelivery, payload: unknown): ForgeEvent {
  const deliveryId = header(delivery, "x-github-delivery");
  const name = header(delivery, "x-github-event") ?? "";
  const p = payload as Record<string, unknown>;
  if (name === "ping") {
    return {
      kind: "ping",
      deliveryId,
      hookId: typeof p.hook_id === "number" ? p.hook_id : undefined,
      zen: typeof p.zen === "string" ? p.zen : undefined,
    };
  }
  if (name !== "push") return { kind: "other", deliveryId, name: name || "(none)" };

  const push = payload as Push;
  const repo = push.repository as Partial<Push["repository"]> | undefined;
  if (!repo || typeof repo.full_name !== "string" || typeof push.ref !== "string") {
    throw new BadRequestError("push payload lacks repository.full_name or ref");
  }
  if (typeof push.after !== "string" || !SHA.test(push.after) || (push.before && !SHA.test(String(push.before)))) {
    throw new BadRequestError("push payload has no valid before/after commit ids");
  }
  // Signed does not mean well-formed: anything of the wrong type is dropped, never stored as is.
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    kind: "push",
    deliveryId,
    push: {
      forge: "github",
      deliveryId,
      repoFullName: repo.full_name,
      repoName: text(repo.name) ?? repo.full_name.split("/").pop() ?? "",
      defaultBranch: text(repo.default_branch),
      ref: push.ref,
      before: text(push.before) ?? "0".repeat(40),
      after: push.after,
      deleted: push.deleted === true || /^0{40}$/.test(push.after),
      pusher: text(push.pusher?.name) ?? text(push.sender?.login),
      headCommitMessage: text(push.head_commit?.message),
    },
  };
}
