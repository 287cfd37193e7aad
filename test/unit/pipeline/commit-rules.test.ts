import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withDeadline } from "../../../src/pipeline/context.js";
import { sync } from "../../../src/pipeline/steps/sync.js";
import type { Deployment } from "../../../src/store/types.js";
import { git } from "../../helpers/git.js";
import { fakePipeline } from "../../helpers/pipeline.js";

let root: string;
let work: string;
let checkout: string;
const shas: Record<string, string> = {};

function commit(name: string): string {
  writeFileSync(join(work, "f.txt"), name);
  git(work, "commit", "-qam", name);
  shas[name] = git(work, "rev-parse", "HEAD");
  return shas[name] as string;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "t8-rules-"));
  work = join(root, "work");
  checkout = join(root, "checkout");
  git(root, "init", "-q", "--bare", "-b", "main", "origin.git");
  git(root, "clone", "-q", "origin.git", "work");
  git(work, "checkout", "-q", "-b", "main");
  writeFileSync(join(work, "f.txt"), "0");
  git(work, "add", "f.txt");
  git(work, "commit", "-qm", "base");
  commit("A");
  git(work, "push", "-q", "origin", "main");
  git(root, "clone", "-q", "origin.git", "checkout");
  commit("B");
  git(work, "push", "-q", "origin", "main");
  git(work, "checkout", "-q", "-b", "feature");
  commit("C");
  git(work, "push", "-q", "origin", "feature");
  git(work, "checkout", "-q", "main");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function setup() {
  const p = fakePipeline(`apps:\n  shop: { repo: acme/shop, path: ${checkout}, branch: main }\n`);
  const run = (sha: string, trigger: Deployment["trigger"] = "push") => {
    p.stores.store.insert({ app: "shop", trigger, sha, ref: "refs/heads/main", branch: "main" });
    const d = p.stores.store.claimNext("shop") as Deployment;
    return sync(withDeadline(p.context(d), 60));
  };
  const deployed = (sha: string) => {
    p.stores.store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
    const d = p.stores.store.claimNext("shop") as Deployment;
    p.stores.store.finish(d.id, "succeeded");
  };
  return { p, run, deployed };
}

describe("sync's commit rules", () => {
  it("refuses a commit that exists only on another branch, naming the reason", async () => {
    const { run } = setup();
    await expect(run(shas.C as string)).rejects.toThrow(/is not on branch main \(not reachable from origin\/main/);
    expect(git(checkout, "rev-parse", "HEAD")).toBe(shas.A);
  });

  it("refuses a manual deploy by SHA of an off-branch commit too", async () => {
    const { run } = setup();
    await expect(run(shas.C as string, "manual")).rejects.toThrow(/not on branch main/);
  });

  it("skips a replayed push older than the deployed commit and leaves the checkout alone", async () => {
    const { run, deployed } = setup();
    expect((await run(shas.B as string)).skipped).toBeFalsy();
    deployed(shas.B as string);
    const outcome = await run(shas.A as string);
    expect(outcome.skipped).toBe(true);
    expect(outcome.halt).toMatch(/^stale: /);
    expect(git(checkout, "rev-parse", "HEAD")).toBe(shas.B);
  });

  it("deploys a force push that moved the branch head itself back", async () => {
    const { run, deployed } = setup();
    await run(shas.B as string);
    deployed(shas.B as string);
    git(work, "push", "-q", "--force", "origin", `${shas.A}:refs/heads/main`);
    try {
      const outcome = await run(shas.A as string);
      expect(outcome.halt).toBeUndefined();
      expect(git(checkout, "rev-parse", "HEAD")).toBe(shas.A);
    } finally {
      git(work, "push", "-q", "--force", "origin", "main");
    }
  });

  it("allows a rollback to a kept commit even when it left the branch", async () => {
    const { run, deployed } = setup();
    git(checkout, "fetch", "-q", "origin", "feature");
    deployed(shas.C as string);
    deployed(shas.B as string);
    const outcome = await run(shas.C as string, "rollback");
    expect(outcome.halt).toBeUndefined();
    expect(git(checkout, "rev-parse", "HEAD")).toBe(shas.C);
  });
});
