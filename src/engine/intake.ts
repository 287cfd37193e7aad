import type { AppConfig, Config } from "../config/types.js";
import { SignatureError } from "../errors.js";
import type { ForgeEvent, ForgeName, PushEvent, PushPeek } from "../forges/types.js";
import { hasSkipMarker } from "../pipeline/triggers.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";
import { type Match, matchPush, undeployedBranch } from "./match.js";

export { type Match, matchPush } from "./match.js";

export type IntakeResult =
  | { kind: "pong"; hookId: number | undefined; zen: string | undefined }
  | { kind: "queued"; deployment: Deployment; also: Deployment[] }
  | { kind: "ignored"; reason: string }
  | { kind: "duplicate"; deploymentId: string | null };

export interface IntakeOptions {
  /** Whether the delivery's proof of origin holds for this app's secret(s); default: every app. */
  accepts?: (app: AppConfig) => boolean;
  /**
   * Runs the durable write of an accepted delivery; default: its own transaction, at once. The
   * server passes a group commit, so many deliveries share one fsync.
   */
  commit?: (write: () => IntakeResult) => IntakeResult | Promise<IntakeResult>;
}

type Matched = { push: PushEvent; branch: string | undefined; apps: AppConfig[] };
type Sorted = { matched: Matched[]; reasons: string[] };

/** Which apps each pushed ref deploys, keeping only apps whose secret the delivery proved. */
function sortPushes(config: Config, pushes: PushEvent[], opts: IntakeOptions): Sorted {
  const out: Sorted = { matched: [], reasons: [] };
  for (const push of pushes) {
    const match: Match | { reason: string } = matchPush(config, push);
    if ("reason" in match) {
      out.reasons.push(match.reason);
      continue;
    }
    const accepted = match.apps.filter((a) => opts.accepts?.(a) ?? true);
    if (accepted.length === 0) {
      // An admin of one repository must not be able to sign pushes for another app.
      const names = match.apps.map((a) => a.name).join(", ");
      throw new SignatureError(`signature does not match the secret of ${names}; check that app's \`secret\``);
    }
    out.matched.push({ push, branch: match.branch, apps: accepted });
  }
  return out;
}

/** Stores the deployments of the matched pushes and the delivery (inside the caller's transaction). */
function storeMatched(
  { store, deliveries }: Pick<Stores, "store" | "deliveries">,
  matched: Matched[],
  deliveryId?: string,
): IntakeResult {
  if (deliveryId) {
    // Checked again inside the transaction: the same delivery may have been stored since.
    const seen = deliveries.find(deliveryId);
    if (seen) return { kind: "duplicate", deploymentId: seen.deploymentId };
  }
  const all = matched.flatMap(({ push, branch, apps }) =>
    apps.map((app) => {
      // A push that says it must not deploy is not held for approval; the pipeline records it as skipped.
      const wait = app.approve && !hasSkipMarker(push.headCommitMessage);
      const d = store.insert({
        app: app.name,
        trigger: "push",
        actor: push.pusher,
        sha: push.after,
        ref: push.ref,
        branch,
        deliveryId: push.deliveryId,
        status: wait ? "waiting" : "queued",
      });
      // Coalescing: the newest push replaces a deployment still waiting for approval.
      if (wait) store.supersedeWaiting(app.name, d.id);
      return d;
    }),
  );
  const [deployment, ...also] = all as [Deployment, ...Deployment[]];
  if (deliveryId) deliveries.record(deliveryId, "push", deployment.id);
  return { kind: "queued", deployment, also };
}

/**
 * Turns a verified forge event into stored work. An accepted push's delivery and deployments are
 * committed in one transaction before the result is returned (or the promise settles), so an
 * accepted push survives a crash. A delivery that deploys nothing is only remembered in memory.
 */
export function intake(
  config: Config,
  stores: Pick<Stores, "store" | "deliveries">,
  event: ForgeEvent,
  opts?: Omit<IntakeOptions, "commit">,
): IntakeResult;
export function intake(
  config: Config,
  stores: Pick<Stores, "store" | "deliveries">,
  event: ForgeEvent,
  opts: IntakeOptions,
): IntakeResult | Promise<IntakeResult>;
export function intake(
  config: Config,
  stores: Pick<Stores, "store" | "deliveries">,
  event: ForgeEvent,
  opts: IntakeOptions = {},
): IntakeResult | Promise<IntakeResult> {
  const { deliveries } = stores;
  const deliveryId = event.deliveryId;
  // Only memory here: a stored (accepted) delivery is looked up inside the write's transaction, so
  // a flood of pushes that deploy nothing never reads the database.
  if (deliveryId && deliveries.seenRecently(deliveryId)) return { kind: "duplicate", deploymentId: null };
  const remember = () => {
    if (deliveryId) deliveries.remember(deliveryId);
  };
  if (event.kind === "ping") {
    remember();
    return { kind: "pong", hookId: event.hookId, zen: event.zen };
  }
  if (event.kind === "other") {
    remember();
    return { kind: "ignored", reason: `event ${event.name} is not deployed` };
  }
  const { matched, reasons } = sortPushes(config, [event.push, ...(event.more ?? [])], opts);
  if (matched.length === 0) {
    remember();
    return { kind: "ignored", reason: reasons.join("; ") };
  }
  const write = () => storeMatched(stores, matched, deliveryId);
  return opts.commit ? opts.commit(write) : stores.store.transaction(write);
}

/**
 * The answer to a push read only as far as its ref (ForgeAdapter.peekPush): ignored, or a duplicate,
 * when no app of the forge deploys that branch. Undefined when the payload must be parsed: `intake`.
 */
export function intakePeek(
  config: Config,
  { deliveries }: Pick<Stores, "deliveries">,
  forge: ForgeName,
  peek: PushPeek,
): IntakeResult | undefined {
  const reason = undeployedBranch(config, forge, peek.ref);
  if (!reason) return undefined;
  const id = peek.deliveryId;
  if (id && !deliveries.remember(id)) return { kind: "duplicate", deploymentId: null };
  return { kind: "ignored", reason };
}
