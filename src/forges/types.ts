import type { ForgeName } from "../config/schema.js";

export type { ForgeName } from "../config/schema.js";

/** What every forge adapter turns a verified delivery into. Nothing after the adapter knows the forge. */
export interface PushEvent {
  forge: ForgeName;
  deliveryId: string | undefined;
  /** owner/name (GitLab: the full namespace path) */
  repoFullName: string;
  repoName: string;
  defaultBranch: string | undefined;
  /** Full ref, e.g. refs/heads/main or refs/tags/v1.2.0 */
  ref: string;
  before: string;
  /** The commit the ref now points to (for tags: the tagged commit where the forge says so). */
  after: string;
  deleted: boolean;
  pusher: string | undefined;
  headCommitMessage: string | undefined;
}

export type ForgeEvent =
  | { kind: "ping"; deliveryId: string | undefined; hookId: number | undefined; zen: string | undefined }
  /** `push` is the first ref moved; `more` the others (Bitbucket can move several refs in one delivery). */
  | { kind: "push"; deliveryId: string | undefined; push: PushEvent; more?: PushEvent[] }
  | { kind: "other"; deliveryId: string | undefined; name: string };

/** What a push delivery says before its payload is parsed. */
export interface PushPeek {
  ref: string;
  deliveryId: string | undefined;
}

export type Headers = Record<string, string | string[] | undefined>;

export interface IncomingDelivery {
  headers: Headers;
  body: Buffer;
}

/** One forge: how to recognise its deliveries, check their proof of origin, and read their payloads. */
export interface ForgeAdapter {
  readonly name: ForgeName;
  /** The headers this forge's deliveries carry, for messages: "X-GitHub-Event + X-Hub-Signature-256". */
  readonly expects: string;
  /** Whether the headers say this delivery comes from this forge. */
  matches(headers: Headers): boolean;
  /**
   * Checks the headers alone, before the body is read: the event header and, when `signed`, a
   * well-formed proof of origin. Returns why the delivery is refused, or undefined.
   */
  checkHeaders(headers: Headers, signed: boolean): { status: 400 | 401; reason: string } | undefined;
  /** Whether the delivery's proof of origin holds for `secret` (constant time, over the raw bytes). */
  verify(delivery: IncomingDelivery, secret: string): boolean;
  /**
   * A push delivery's ref and id when they can be read without parsing the payload (leading-ref.ts),
   * so a push that deploys nothing is answered at the cost of its HMAC. Undefined: parse it.
   */
  peekPush?(delivery: IncomingDelivery): PushPeek | undefined;
  /** Reads the payload into a forge-neutral event; throws BadRequestError on a malformed one. */
  parse(delivery: IncomingDelivery): ForgeEvent;
  /** A push delivery as this forge sends it, signed with `secret` (for `deployer send-test`). */
  testPush(push: TestPush, secret: string): { headers: Record<string, string>; body: string };
}

export interface TestPush {
  fullName: string;
  branch: string;
  sha: string;
  pusher: string;
}
