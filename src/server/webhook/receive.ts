import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "pino";
import { type IntakeResult, intake, intakePeek } from "../../engine/intake.js";
import type { Runtime } from "../../engine/runtime.js";
import { authenticate } from "../../engine/webhook-auth.js";
import { SignatureError } from "../../errors.js";
import type { ForgeAdapter } from "../../forges/types.js";
import { shortSha } from "../../helpers/short-sha.js";
import type { WebhookGuard } from "./guard.js";

/** One delivery as the HTTP layer read it: headers, the raw body the proof covers, the client's address. */
export interface RawDelivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  ip: string;
}

export interface WebhookAnswer {
  status: 200 | 202;
  body: Record<string, unknown>;
  /** Nothing to deploy: the request's line is logged at debug only, so a flood of such pushes costs no I/O. */
  quiet: boolean;
  /** The same object is answered again for the same reason, so its serialised form can be kept. */
  shared?: true;
}

/** Answers to ignored pushes, by reason (the same few branches all day); cleared when it fills. */
const ignoredAnswers = new Map<string, WebhookAnswer>();
const IGNORED_KEPT = 256;

function ignoredAnswer(reason: string): WebhookAnswer {
  let a = ignoredAnswers.get(reason);
  if (!a) {
    a = { status: 200, body: { ignored: reason }, quiet: true, shared: true };
    if (ignoredAnswers.size >= IGNORED_KEPT) ignoredAnswers.clear();
    ignoredAnswers.set(reason, a);
  }
  return a;
}

export interface Receiver {
  runtime: Runtime;
  guard: WebhookGuard;
  allowUnsigned: boolean;
}

function answer(log: Logger, runtime: Runtime, result: IntakeResult): WebhookAnswer {
  switch (result.kind) {
    case "pong":
      return { status: 200, body: { message: "pong", hook_id: result.hookId, zen: result.zen }, quiet: false };
    case "duplicate":
      return { status: 200, body: { duplicate: true, id: result.deploymentId }, quiet: false };
    case "ignored":
      if (log.isLevelEnabled("debug")) log.debug({ reason: result.reason }, `webhook ignored: ${result.reason}`);
      return ignoredAnswer(result.reason);
    case "queued": {
      const d = result.deployment;
      runtime.queue.kick();
      const all = [d, ...result.also];
      for (const x of all)
        log.info({ app: x.app, deployment: x.id }, `${x.app} ${x.id} ${x.status} at ${shortSha(x.sha)}`);
      const also = result.also.map((a) => ({ id: a.id, app: a.app }));
      const deployments = all.map((x) => ({ id: x.id, app: x.app, status: x.status, sha: x.sha }));
      const body = { id: d.id, app: d.app, status: d.status, sha: d.sha };
      return { status: 202, body: also.length > 0 ? { ...body, also, deployments } : body, quiet: false };
    }
  }
}

/**
 * A delivery the guard admitted, from its raw bytes to the answer: proof of origin over exactly those
 * bytes, then intake (a 202 only once the deployment is stored). Shared by the fast path in front of
 * Fastify and the Fastify route, so both answer alike. Synchronous unless the delivery must be stored
 * (a promise then): a push that deploys nothing costs no promise. Throws what the client is told.
 */
export function receiveWebhook(
  r: Receiver,
  adapter: ForgeAdapter,
  delivery: RawDelivery,
  log: Logger,
): WebhookAnswer | Promise<WebhookAnswer> {
  const { runtime } = r;
  try {
    const verdict = authenticate(runtime.config, adapter, delivery, r.allowUnsigned);
    if (!verdict.signed) log.warn("accepting an unsigned webhook: the server runs with --allow-unsigned");
    // A push to a branch nothing deploys is answered without parsing its payload: most of its cost.
    const peek = adapter.peekPush?.(delivery);
    const early = peek && intakePeek(runtime.config, runtime, adapter.name, peek);
    if (early) return answer(log, runtime, early);
    const result = intake(runtime.config, runtime, adapter.parse(delivery), {
      accepts: verdict.accepts,
      commit: (write: () => IntakeResult) => runtime.commits.run(write),
    });
    return result instanceof Promise ? result.then((res) => answer(log, runtime, res)) : answer(log, runtime, result);
  } catch (err) {
    // Failed proofs count towards the client's limit, whether no secret or only another app's matched.
    if (err instanceof SignatureError) r.guard.failed(delivery.ip);
    throw err;
  }
}
