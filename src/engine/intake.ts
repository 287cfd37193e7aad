import type { AppConfig, Config } from "../config/types.js";
import { SignatureError } from "../errors.js";
import type { ForgeEvent, PushEvent } from "../forges/types.js";
import { hasSkipMarker } from "../pipeline/triggers.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";
import { matchPush } from "./match.js";

export { type Match, matchPush } from "./match.js";

export type IntakeResult =
  | { kind: "pong"; hookId: number | undefined; zen: string | undefined }
  | { kind: "queued"; deployment: Deployment; also: Deployment[] }
  | { kind: "ignored"; reason: string }
  | { kind: "duplicate"; deploymentId: string | null };

export interface IntakeOptions {
  /** Whether the delivery's proof of origin holds for this app's secret(s); default: every app. */
  accepts?: (app: AppConfig) => boolean;
}

type Stored = { deployments: Deployment[] } | { reason: string };

/** Stores the deployments one pushed ref causes (inside the caller's transaction). */
function storePush(config: Config, { store }: Pick<Stores, "store">, push: PushEvent, opts: IntakeOptions): Stored {
  const match = matchPush(config, push);
  if ("reason" in match) return match;
  const accepted = match.apps.filter((a) => opts.accepts?.(a) ?? true);
  if (accepted.length === 0) {
    // An admin of one repository must not be able to sign pushes for another app.
    const names = match.apps.map((a) => a.name).join(", ");
    throw new SignatureError(`signature does not match the secret of ${names}; check that app's \`secret\``);
  }
  const deployments = accepted.map((app) => {
    // A push that says it must not deploy is not held for approval; the pipeline records it as skipped.
    const wait = app.approve && !hasSkipMarker(push.headCommitMessage);
    const d = store.insert({
      app: app.name,
      trigger: "push",
      actor: push.pusher,
      sha: push.after,
      ref: push.ref,
      branch: match.branch,
      deliveryId: push.deliveryId,
      status: wait ? "waiting" : "queued",
    });
    // Coalescing: the newest push replaces a deployment still waiting for approval.
    if (wait) store.supersedeWaiting(app.name, d.id);
    return d;
  });
  return { deployments };
}

/**
 * Turns a verified forge event into stored work. The delivery and its deployments are committed
 * in one transaction before the caller answers, so an accepted push survives a crash.
 */
export function intake(
  config: Config,
  { store, deliveries }: Pick<Stores, "store" | "deliveries">,
  event: ForgeEvent,
  opts: IntakeOptions = {},
): IntakeResult {
  return store.transaction((): IntakeResult => {
    const deliveryId = event.deliveryId;
    if (deliveryId) {
      const seen = deliveries.find(deliveryId);
      if (seen) return { kind: "duplicate", deploymentId: seen.deploymentId };
    }
    const remember = (deploymentId: string | null, name: string) => {
      if (deliveryId) deliveries.record(deliveryId, name, deploymentId);
    };

    if (event.kind === "ping") {
      remember(null, "ping");
      return { kind: "pong", hookId: event.hookId, zen: event.zen };
    }
    if (event.kind === "other") {
      remember(null, event.name);
      return { kind: "ignored", reason: `event ${event.name} is not deployed` };
    }
    const results = [event.push, ...(event.more ?? [])].map((p) => storePush(config, { store }, p, opts));
    const all = results.flatMap((r) => ("deployments" in r ? r.deployments : []));
    const [deployment, ...also] = all;
    if (!deployment) {
      remember(null, "push");
      return { kind: "ignored", reason: results.map((r) => ("reason" in r ? r.reason : "")).join("; ") };
    }
    remember(deployment.id, "push");
    return { kind: "queued", deployment, also };
  });
}
