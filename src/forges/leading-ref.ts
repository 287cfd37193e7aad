import { isFormBody } from "./body.js";
import { header } from "./proof.js";
import type { IncomingDelivery, PushPeek } from "./types.js";

const OPEN = Buffer.from('{"ref":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/**
 * The ref of a push whose JSON body opens with it, `{"ref":"refs/heads/…",`, as GitHub, Gitea and Forgejo
 * send it; read without parsing the rest. Undefined for anything else (a form body, whitespace, an
 * escape in the value): the caller then parses the whole payload. The first member is unambiguous, so
 * this is the same ref a full parse finds in any payload these forges send.
 */
export function leadingRef(delivery: IncomingDelivery): string | undefined {
  const { body } = delivery;
  if (isFormBody(delivery)) return undefined;
  const start = OPEN.length;
  if (body.length < start + 2) return undefined;
  for (let i = 0; i < start; i++) if (body[i] !== OPEN[i]) return undefined;
  // One pass to the closing quote, in JS: cheaper than Buffer's compare and indexOf for a few bytes.
  for (let i = start; i < body.length; i++) {
    const byte = body[i] as number;
    if (byte === QUOTE) return body[i + 1] === COMMA ? body.toString("utf8", start, i) : undefined;
    // An escape needs decoding, and a control character is invalid JSON (the parser's 400).
    if (byte === BACKSLASH || byte < 0x20) return undefined;
  }
  return undefined;
}

/** A push's ref and delivery id, read from its headers and the body's opening (see leadingRef). */
export function peekPush(delivery: IncomingDelivery, eventHeader: string, idHeader: string): PushPeek | undefined {
  if (header(delivery.headers, eventHeader) !== "push") return undefined;
  const ref = leadingRef(delivery);
  return ref === undefined ? undefined : { ref, deliveryId: header(delivery.headers, idHeader) };
}
