import { BadRequestError } from "../errors.js";
import { header } from "./proof.js";
import type { IncomingDelivery } from "./types.js";

/** Whether the payload is a form body with the JSON in `payload`; any other content type is JSON. */
export function isFormBody(delivery: IncomingDelivery): boolean {
  const value = header(delivery.headers, "content-type");
  // Checked on every delivery: the usual answer without splitting a string.
  if (value === undefined || value === "application/json") return false;
  const type = value.split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

/** The payload: JSON, or a form body with the JSON in `payload` (GitHub and Gitea offer both). */
export function parseBody(delivery: IncomingDelivery): Record<string, unknown> {
  let json = delivery.body.toString("utf8");
  if (isFormBody(delivery)) {
    const payload = new URLSearchParams(json).get("payload");
    if (payload === null) throw new BadRequestError("form body has no `payload` field");
    json = payload;
  }
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch {
    throw new BadRequestError("body is not valid JSON");
  }
}

export const SHA = /^[0-9a-f]{40}$/;
export const ZERO_SHA = "0".repeat(40);

/** Signed does not mean well-formed: anything of the wrong type is dropped, never stored as is. */
export const text = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** `obj.a.b.c` when each step is an object, else undefined. */
export function dig(obj: unknown, ...keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) {
    if (!cur || typeof cur !== "object" || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** A commit id from the payload, or a 400 naming the field. */
export function commitId(v: unknown, field: string): string {
  if (typeof v !== "string" || !SHA.test(v))
    throw new BadRequestError(`push payload has no valid commit id in ${field}`);
  return v;
}
