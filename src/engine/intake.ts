import type { AppConfig, Config } from "../config/types.js";
import type { ForgeEvent, PushEvent } from "../forges/types.js";
import { isSafeBranchName } from "../runners/git.js";
import type { Stores } from "../store/stores.js";
import type { Deployment } from "../store/types.js";

export type IntakeResult =
  | { kind: "pong"; hookId: number | undefined; zen: string | undefined }
  | { kind: "queued"; deployment: Deployment; also: Deployment[] }
  | { kind: "ignored"; reason: string }
  | { kind: "duplicate"; deploymentId: string | null };

/** `app` is the first of `apps`: every app that deploys this repository and branch. */
type Match = { app: AppConfig; apps: AppConfig[]; branch: string } | { reason: string };

/** Which apps a push deploys, or why it deploys nothing. Pure: config and event in, answer out. */
export function matchPush(config: Config, push: PushEvent): Match {
  const ignored = config.ignore.map((s) => s.toLowerCase());
  if (ignored.includes(push.repoName.toLowerCase()) || ignored.includes(push.repoFullName.toLowerCase())) {
    return { reason: `repository ${push.repoFullName} is in the ignore list` };
  }
  if (!push.ref.startsWith("refs/heads/")) return { reason: `${push.ref} is not a branch` };
  if (push.deleted) return { reason: `branch deletion of ${push.ref}` };
  const branch = push.ref.slice("refs/heads/".length);

  const apps = Object.values(config.apps).filter((a) =>
    a.repo
      ? a.repo.toLowerCase() === push.repoFullName.toLowerCase()
      : a.name.toLowerCase() === push.repoName.toLowerCase(),
  );
  if (apps.length === 0) return { reason: `no app is configured for repository ${push.repoFullName}` };
  const matching = apps.filter((a) => (a.branch ?? push.defaultBranch) === branch);
  const [first] = matching;
  if (first) {
    // The branch goes to git as an argument: only plain names, whatever the payload says.
    if (!isSafeBranchName(branch)) return { reason: `branch name ${JSON.stringify(branch)} is not supported` };
    return { app: first, apps: matching, branch };
  }
  const wanted = apps.map((a) => `${a.name} deploys ${a.branch ?? push.defaultBranch ?? "the default branch"}`);
  return { reason: `push to ${branch}; ${wanted.join(", ")}` };
}

/**
 * Turns a verified forge event into stored work. The delivery and its deployment are committed
 * in one transaction before the caller answers, so an accepted push survives a crash.
 */
export function intake(
  config: Config,
  { store, deliveries }: Pick<Stores, "store" | "deliveries">,
  event: ForgeEvent,
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
    const match = matchPush(config, event.push);
    if ("reason" in match) {
      remember(null, "push");
      return { kind: "ignored", reason: match.reason };
    }
    const [deployment, ...also] = match.apps.map((app) =>
      store.insert({
        app: app.name,
        trigger: "push",
        actor: event.push.pusher,
        sha: event.push.after,
        ref: event.push.ref,
        branch: match.branch,
        deliveryId,
      }),
    ) as [Deployment, ...Deployment[]];
    remember(deployment.id, "push");
    return { kind: "queued", deployment, also };
  });
}
