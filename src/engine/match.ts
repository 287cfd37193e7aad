import picomatch from "picomatch";
import { perForge } from "../config/per-forge.js";
import type { AppConfig, Config } from "../config/types.js";
import type { PushEvent } from "../forges/types.js";
import { isSafeBranchName } from "../runners/git.js";

/**
 * `app` is the first of `apps`: every app that deploys this repository and ref. `branch` is the branch
 * pushed, or undefined for a tag push (then `tag` is the tag's name).
 */
export type Match =
  | { app: AppConfig; apps: AppConfig[]; branch: string | undefined; tag?: string }
  | { reason: string };

const forgeOf = (a: AppConfig) => a.forge ?? "github";

/** Apps by lowercased `repo` (full name), and those without one by lowercased app name; per config. */
type RepoIndex = { byRepo: Map<string, AppConfig[]>; byName: Map<string, AppConfig[]> };
const indexes = new WeakMap<Config, RepoIndex>();

function repoIndex(config: Config): RepoIndex {
  let index = indexes.get(config);
  if (!index) {
    index = { byRepo: new Map(), byName: new Map() };
    for (const a of Object.values(config.apps)) {
      const [map, key] = a.repo ? [index.byRepo, a.repo.toLowerCase()] : [index.byName, a.name.toLowerCase()];
      map.set(key, [...(map.get(key) ?? []), a]);
    }
    indexes.set(config, index);
  }
  return index;
}

/** Apps configured for the push's repository, from any forge, in config order. */
function appsOfRepo(config: Config, push: PushEvent): AppConfig[] {
  const { byRepo, byName } = repoIndex(config);
  const found = [
    ...(byRepo.get(push.repoFullName.toLowerCase()) ?? []),
    ...(byName.get(push.repoName.toLowerCase()) ?? []),
  ];
  if (found.length < 2) return found;
  const order = Object.values(config.apps);
  return found.sort((x, y) => order.indexOf(x) - order.indexOf(y));
}

/** Which apps a tag push deploys: those whose `tags` glob matches the tag's name. */
function matchTag(apps: AppConfig[], push: PushEvent): Match {
  const tag = push.ref.slice("refs/tags/".length);
  const following = apps.filter((a) => a.tags);
  if (following.length === 0) return { reason: `${push.ref} is not a branch` };
  if (push.deleted) return { reason: `tag deletion of ${push.ref}` };
  const matching = following.filter((a) => picomatch.isMatch(tag, a.tags as string, { dot: true }));
  const [first] = matching;
  if (!first)
    return { reason: `tag ${tag} matches no app's tags (${following.map((a) => `${a.name}: ${a.tags}`).join(", ")})` };
  if (!isSafeBranchName(tag)) return { reason: `tag name ${JSON.stringify(tag)} is not supported` };
  return { app: first, apps: matching, branch: undefined, tag };
}

/** Which apps a push deploys, or why it deploys nothing. Pure: config and event in, answer out. */
export function matchPush(config: Config, push: PushEvent): Match {
  const ignored = config.ignore.map((s) => s.toLowerCase());
  if (ignored.includes(push.repoName.toLowerCase()) || ignored.includes(push.repoFullName.toLowerCase())) {
    return { reason: `repository ${push.repoFullName} is in the ignore list` };
  }
  const ofRepo = appsOfRepo(config, push);
  // An app takes deliveries only from its own forge.
  const apps = ofRepo.filter((a) => forgeOf(a) === push.forge);
  if (apps.length === 0) {
    if (ofRepo.length === 0) return { reason: `no app is configured for repository ${push.repoFullName}` };
    const others = ofRepo.map((a) => `${a.name} takes pushes from ${forgeOf(a)}`).join(", ");
    return { reason: `push from ${push.forge}; ${others}` };
  }
  if (push.ref.startsWith("refs/tags/")) return matchTag(apps, push);
  if (!push.ref.startsWith("refs/heads/")) return { reason: `${push.ref} is not a branch` };
  if (push.deleted) return { reason: `branch deletion of ${push.ref}` };
  const branch = push.ref.slice("refs/heads/".length);

  const byBranch = apps.filter((a) => !a.tags);
  const matching = byBranch.filter((a) => (a.branch ?? push.defaultBranch) === branch);
  const [first] = matching;
  if (first) {
    // The branch goes to git as an argument: only plain names, whatever the payload says.
    if (!isSafeBranchName(branch)) return { reason: `branch name ${JSON.stringify(branch)} is not supported` };
    return { app: first, apps: matching, branch };
  }
  const wanted = apps.map((a) =>
    a.tags
      ? `${a.name} follows tags ${a.tags}`
      : `${a.name} deploys ${a.branch ?? push.defaultBranch ?? "the default branch"}`,
  );
  return { reason: `push to ${branch}; ${wanted.join(", ")}` };
}

/** The branches a forge's branch-following apps deploy, and those names for a message. */
type Deployed = { branches: Set<string>; named: string; reasons: Map<string, string> };

/** Reasons kept per config and forge: the same few branches are pushed all day, each worded once. */
const REASONS_KEPT = 256;

/** Per config and forge; null when an app follows the default branch (named in the payload only). */
const deployedBranches = perForge((config, forge): Deployed | null => {
  const apps = Object.values(config.apps).filter((a) => forgeOf(a) === forge && !a.tags);
  if (apps.length === 0 || apps.some((a) => !a.branch)) return null;
  const branches = new Set(apps.map((a) => a.branch as string));
  const named = [...branches].slice(0, 5).join(", ") + (branches.size > 5 ? ", …" : "");
  return { branches, named, reasons: new Map() };
});

/**
 * Why a push to `ref` deploys nothing whatever its repository, when that is known from the ref alone:
 * a branch that no app of the forge deploys. Undefined otherwise (the payload decides: matchPush),
 * also when the forge has no branch app at all, so matchPush can name the apps and their forge.
 * The same branch gets the same string back, so answers built from it can be kept too.
 */
export function undeployedBranch(config: Config, forge: string, ref: string): string | undefined {
  if (!ref.startsWith("refs/heads/")) return undefined;
  const deployed = deployedBranches(config, forge);
  const branch = ref.slice("refs/heads/".length);
  if (!deployed || deployed.branches.has(branch)) return undefined;
  let reason = deployed.reasons.get(branch);
  if (reason === undefined) {
    reason = `push to ${branch}; no ${forge} app deploys that branch (they deploy ${deployed.named})`;
    if (deployed.reasons.size >= REASONS_KEPT) deployed.reasons.clear();
    deployed.reasons.set(branch, reason);
  }
  return reason;
}
