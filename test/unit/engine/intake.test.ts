import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import type { Config } from "../../../src/config/types.js";
import { type IntakeResult, intake, intakePeek, matchPush } from "../../../src/engine/intake.js";
import { undeployedBranch } from "../../../src/engine/match.js";
import type { ForgeEvent, PushEvent } from "../../../src/forges/types.js";
import type { Db } from "../../../src/store/db.js";
import type { DeploymentStore } from "../../../src/store/deployments.js";
import { GroupCommit } from "../../../src/store/group-commit.js";
import type { Stores } from "../../../src/store/stores.js";
import { openMemoryStore } from "../../helpers/store.js";

const SHA = "c".repeat(40);

function config(yaml: string): Config {
  return parseConfig(yaml, "/cfg/deployer.yml", { env: {}, checkPaths: false });
}

const base = config(`
apps:
  shop:
    repo: acme/shop
    path: /srv/shop
    branch: main
  blog:
    path: /srv/blog
  staging:
    repo: acme/shop
    path: /srv/shop-staging
    branch: develop
`);

function push(overrides: Partial<PushEvent> = {}): PushEvent {
  return {
    forge: "github",
    deliveryId: "d-1",
    repoFullName: "acme/shop",
    repoName: "shop",
    defaultBranch: "main",
    ref: "refs/heads/main",
    before: "b".repeat(40),
    after: SHA,
    deleted: false,
    pusher: "alice",
    headCommitMessage: "msg",
    ...overrides,
  };
}

const reasonOf = (m: ReturnType<typeof matchPush>) => ("reason" in m ? m.reason : undefined);
const appOf = (m: ReturnType<typeof matchPush>) => ("app" in m ? m.app.name : undefined);

describe("matchPush", () => {
  it("matches an app by repository.full_name and its configured branch", () => {
    const m = matchPush(base, push());
    expect(appOf(m)).toBe("shop");
    expect("branch" in m && m.branch).toBe("main");
  });

  it("matches full_name case-insensitively", () => {
    expect(appOf(matchPush(base, push({ repoFullName: "Acme/Shop" })))).toBe("shop");
  });

  it("picks the app of the same repo whose branch was pushed", () => {
    expect(appOf(matchPush(base, push({ ref: "refs/heads/develop" })))).toBe("staging");
  });

  it("matches by repository.name when the app has no repo", () => {
    const m = matchPush(
      base,
      push({ repoFullName: "someone/blog", repoName: "blog", defaultBranch: "master", ref: "refs/heads/master" }),
    );
    expect(appOf(m)).toBe("blog");
  });

  it("does not match an app with `repo` by name alone", () => {
    const m = matchPush(base, push({ repoFullName: "other/shop", repoName: "shop" }));
    expect(reasonOf(m)).toMatch(/no app is configured for repository other\/shop/);
  });

  it("ignores an unknown repository", () => {
    expect(reasonOf(matchPush(base, push({ repoFullName: "acme/unknown", repoName: "unknown" })))).toMatch(
      /no app is configured for repository acme\/unknown/,
    );
  });

  it("ignores the deployer's own repo by default, by name or full name", () => {
    const c = config(`apps:\n  deployer: { path: /srv/d }\n`);
    const m = matchPush(c, push({ repoFullName: "me/deployer", repoName: "deployer" }));
    expect(reasonOf(m)).toMatch(/ignore list/);
    const c2 = config(`ignore: [acme/shop]\napps:\n  shop: { repo: acme/shop, path: /srv/shop }\n`);
    expect(reasonOf(matchPush(c2, push()))).toMatch(/acme\/shop is in the ignore list/);
  });

  it("defaults the branch to the payload's default_branch", () => {
    const c = config(`apps:\n  shop: { repo: acme/shop, path: /srv/shop }\n`);
    expect(appOf(matchPush(c, push({ defaultBranch: "trunk", ref: "refs/heads/trunk" })))).toBe("shop");
    const m = matchPush(c, push({ defaultBranch: "trunk", ref: "refs/heads/main" }));
    expect(reasonOf(m)).toMatch(/push to main.*shop deploys trunk/);
  });

  it("says which branch each app deploys when another branch is pushed", () => {
    const m = matchPush(base, push({ ref: "refs/heads/feature/x" }));
    expect(reasonOf(m)).toBe("push to feature/x; shop deploys main, staging deploys develop");
  });

  it("ignores a tag push", () => {
    expect(reasonOf(matchPush(base, push({ ref: "refs/tags/v1.0" })))).toBe("refs/tags/v1.0 is not a branch");
  });

  it("ignores a branch deletion", () => {
    expect(reasonOf(matchPush(base, push({ deleted: true, after: "0".repeat(40) })))).toMatch(
      /deletion of refs\/heads\/main/,
    );
  });

  it.each([
    ["starts with a dash", "-x"],
    ["contains ..", "a..b"],
    ["contains a space", "a b"],
    ["contains a shell metacharacter", "main;rm"],
    ["ends with a slash", "feat/"],
  ])("refuses a configured branch name that %s", (_what, branch) => {
    const c = config(`apps:\n  shop: { repo: acme/shop, path: /srv/shop }\n`);
    const m = matchPush(c, push({ defaultBranch: branch, ref: `refs/heads/${branch}` }));
    expect(reasonOf(m)).toMatch(/is not supported/);
  });
});

describe("intake", () => {
  let db: Db;
  let stores: Stores;
  let store: DeploymentStore;
  beforeEach(() => {
    ({ db, ...stores } = openMemoryStore());
    store = stores.store;
  });
  afterEach(() => db.close());

  const pushEvent = (p: Partial<PushEvent> = {}): ForgeEvent => {
    const e = push(p);
    return { kind: "push", deliveryId: e.deliveryId, push: e };
  };

  it("stores a queued deployment with the push's commit, ref, branch, pusher and delivery", () => {
    const r = intake(base, stores, pushEvent());
    expect(r.kind).toBe("queued");
    if (r.kind !== "queued") return;
    expect(r.deployment).toMatchObject({
      app: "shop",
      status: "queued",
      trigger: "push",
      actor: "alice",
      sha: SHA,
      ref: "refs/heads/main",
      branch: "main",
      deliveryId: "d-1",
    });
    expect(store.get(r.deployment.id)).toEqual(r.deployment);
    expect(stores.deliveries.find("d-1")).toEqual({ id: "d-1", deploymentId: r.deployment.id });
  });

  it("answers a repeated delivery as a duplicate of the first deployment and queues nothing", () => {
    const first = intake(base, stores, pushEvent({ deliveryId: "same" }));
    const again = intake(base, stores, pushEvent({ deliveryId: "same", after: "d".repeat(40) }));
    expect(first.kind).toBe("queued");
    expect(again).toEqual({ kind: "duplicate", deploymentId: first.kind === "queued" ? first.deployment.id : "" });
    expect(store.list()).toHaveLength(1);
  });

  it("answers a repeated ignored delivery as a duplicate without a deployment", () => {
    expect(intake(base, stores, pushEvent({ deliveryId: "tag", ref: "refs/tags/v1" })).kind).toBe("ignored");
    expect(intake(base, stores, pushEvent({ deliveryId: "tag", ref: "refs/tags/v1" }))).toEqual({
      kind: "duplicate",
      deploymentId: null,
    });
  });

  it("remembers pings and other events too", () => {
    expect(intake(base, stores, { kind: "ping", deliveryId: "p", hookId: 1, zen: "z" })).toEqual({
      kind: "pong",
      hookId: 1,
      zen: "z",
    });
    expect(intake(base, stores, { kind: "other", deliveryId: "o", name: "issues" })).toEqual({
      kind: "ignored",
      reason: "event issues is not deployed",
    });
    expect(intake(base, stores, { kind: "ping", deliveryId: "p", hookId: 1, zen: "z" }).kind).toBe("duplicate");
    expect(intake(base, stores, { kind: "other", deliveryId: "o", name: "issues" }).kind).toBe("duplicate");
    expect(store.list()).toHaveLength(0);
  });

  it("queues every push without a delivery id (nothing to deduplicate on)", () => {
    intake(base, stores, pushEvent({ deliveryId: undefined }));
    intake(base, stores, pushEvent({ deliveryId: undefined }));
    expect(store.list()).toHaveLength(2);
  });

  it("queues different deliveries of the same commit separately", () => {
    intake(base, stores, pushEvent({ deliveryId: "a" }));
    intake(base, stores, pushEvent({ deliveryId: "b" }));
    expect(store.list().map((d) => d.deliveryId)).toEqual(["b", "a"]);
  });

  it("stores nothing for an ignored push but the delivery", () => {
    const r = intake(base, stores, pushEvent({ ref: "refs/heads/other" }));
    expect(r.kind).toBe("ignored");
    expect(store.list()).toHaveLength(0);
    expect(stores.deliveries.find("d-1")).toEqual({ id: "d-1", deploymentId: null });
  });
});

describe("a push that two apps deploy", () => {
  it("queues a deployment for each app on that repository and branch", () => {
    const { db, ...stores } = openMemoryStore();
    const { store } = stores;
    const c = config(
      `apps:\n  blue: { repo: acme/shop, path: /srv/blue, branch: main }\n  green: { repo: acme/shop, path: /srv/green, branch: main }\n`,
    );
    const r = intake(c, stores, { kind: "push", deliveryId: "two", push: push() });
    expect(r.kind).toBe("queued");
    if (r.kind !== "queued") return;
    expect([r.deployment.app, ...r.also.map((d) => d.app)]).toEqual(["blue", "green"]);
    expect(store.appsWithQueued().sort()).toEqual(["blue", "green"]);
    db.close();
  });
});

describe("intake with a group commit", () => {
  it("answers ignored deliveries at once without a durable write, and accepted ones after the commit", async () => {
    const { db, ...stores } = openMemoryStore();
    const commits = new GroupCommit(db);
    const commit = (write: () => IntakeResult) => commits.run(write);
    const e = (deliveryId: string, ref = "refs/heads/main"): ForgeEvent => ({
      kind: "push",
      deliveryId,
      push: push({ deliveryId, ref }),
    });
    const ignored = intake(base, stores, e("i", "refs/heads/other"), { commit });
    expect(ignored).toMatchObject({ kind: "ignored" });
    const [a, b] = await Promise.all([
      intake(base, stores, e("a"), { commit }),
      intake(base, stores, e("a"), { commit }),
    ]);
    expect(a.kind).toBe("queued");
    expect(b).toEqual({ kind: "duplicate", deploymentId: a.kind === "queued" ? a.deployment.id : "" });
    expect(commits.stats.commits).toBe(1);
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries").get()).toEqual({ n: 1 });
    db.close();
  });
});

describe("a push read only as far as its ref", () => {
  const named = config(`
apps:
  shop: { repo: acme/shop, path: /srv/shop, branch: main }
  staging: { repo: acme/shop, path: /srv/shop-staging, branch: develop }
  docs: { repo: acme/docs, path: /srv/docs, tags: "v*" }
  lab: { repo: acme/lab, path: /srv/lab, forge: gitlab, branch: trunk }
`);

  it("is ignored when no app of its forge deploys the branch, whatever the repository", () => {
    expect(undeployedBranch(named, "github", "refs/heads/feature")).toBe(
      "push to feature; no github app deploys that branch (they deploy main, develop)",
    );
    // gitlab's apps are not github's: trunk is deployed by a gitlab app only.
    expect(undeployedBranch(named, "github", "refs/heads/trunk")).toMatch(/^push to trunk;/);
  });

  it("goes to the full parse when the ref alone cannot say", () => {
    expect(undeployedBranch(named, "github", "refs/heads/main")).toBeUndefined();
    expect(undeployedBranch(named, "github", "refs/tags/v1")).toBeUndefined();
    expect(undeployedBranch(named, "gitea", "refs/heads/feature")).toBeUndefined(); // no gitea app at all
    // blog follows the repository's default branch, which only the payload names.
    expect(undeployedBranch(base, "github", "refs/heads/feature")).toBeUndefined();
  });

  it("answers a repeated delivery as a duplicate, from memory", () => {
    const { db, ...stores } = openMemoryStore();
    const peek = { ref: "refs/heads/feature", deliveryId: "p-1" };
    expect(intakePeek(named, stores, "github", peek)?.kind).toBe("ignored");
    expect(intakePeek(named, stores, "github", peek)).toEqual({ kind: "duplicate", deploymentId: null });
    expect(intakePeek(named, stores, "github", { ...peek, ref: "refs/heads/main" })).toBeUndefined();
    expect(db.prepare("SELECT COUNT(*) AS n FROM deliveries").get()).toEqual({ n: 0 });
    db.close();
  });
});
