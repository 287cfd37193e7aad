import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { sign } from "@octokit/webhooks-methods";

// Real payloads published by GitHub/octokit.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as {
  name: string;
  examples: Record<string, unknown>[];
}[];

export function example(event: string, match: (p: Record<string, unknown>) => boolean = () => true) {
  const found = examples.find((e) => e.name === event)?.examples.find(match);
  if (!found) throw new Error(`no example payload for ${event}`);
  return structuredClone(found) as Record<string, any>;
}

/** The published branch push example, pointed at our repo, branch and commit. */
export function pushPayload(opts: {
  fullName: string;
  branch?: string;
  ref?: string;
  after: string;
  before?: string;
  defaultBranch?: string;
  deleted?: boolean;
}) {
  const p = example("push", (e) => String(e.ref).startsWith("refs/heads/"));
  const [owner, name] = opts.fullName.split("/");
  p.ref = opts.ref ?? `refs/heads/${opts.branch ?? "main"}`;
  p.after = opts.after;
  p.before = opts.before ?? "0".repeat(40);
  p.deleted = opts.deleted ?? false;
  p.repository.full_name = opts.fullName;
  p.repository.name = name;
  p.repository.owner.login = owner;
  p.repository.owner.name = owner;
  p.repository.default_branch = opts.defaultBranch ?? "main";
  return p;
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export async function signed(
  event: string,
  payload: unknown,
  secret: string,
  opts: { delivery?: string; form?: boolean } = {},
): Promise<SignedRequest> {
  const json = JSON.stringify(payload);
  const body = opts.form ? new URLSearchParams({ payload: json }).toString() : json;
  return {
    headers: {
      "content-type": opts.form ? "application/x-www-form-urlencoded" : "application/json",
      "x-github-event": event,
      "x-github-delivery": opts.delivery ?? randomUUID(),
      "x-hub-signature-256": await sign(secret, body),
      "user-agent": "GitHub-Hookshot/test",
    },
    body,
  };
}

/** POSTs a signed delivery to a running server. */
export async function sendWebhook(url: string, event: string, payload: unknown, secret: string) {
  const req = await signed(event, payload, secret);
  const res = await fetch(`${url}/webhook`, {
    method: "POST",
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}
