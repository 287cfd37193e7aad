import { createHmac } from "node:crypto";
import type { ReportEvent } from "../event.js";
import { request } from "../http.js";
import type { CommitInfo, Send } from "../types.js";
import { notifyConfig } from "./notify-config.js";

/** The generic webhook's JSON body (documented in the README): the event plus the commit. */
export interface WebhookBody extends ReportEvent {
  version: 1;
  commit: CommitInfo;
}

export const signature = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** POST <url> with the JSON body, signed X-Deployer-Signature-256 when a secret is set. */
export const webhook: Send = async (input) => {
  const n = notifyConfig(input);
  const payload: WebhookBody = { version: 1, ...input.event, commit: await input.commit() };
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "user-agent": "deployer",
    "x-deployer-event": input.event.outcome,
    // Stable across retries: receivers can drop a repeat.
    "x-deployer-delivery": `${input.row.deploymentId}:${input.row.event}`,
  };
  if (n.secret) headers["x-deployer-signature-256"] = signature(n.secret, body);
  await request(input.row.target, n.url, { method: "POST", headers, body, signal: input.signal });
  return undefined;
};
