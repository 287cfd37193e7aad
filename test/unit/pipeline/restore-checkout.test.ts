import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withDeadline } from "../../../src/pipeline/context.js";
import { sync } from "../../../src/pipeline/steps/sync.js";
import type { Deployment } from "../../../src/store/types.js";
import { git } from "../../helpers/git.js";
import { fakePipeline } from "../../helpers/pipeline.js";

let root: string;
let checkout: string;
let a: string;
let b: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "t8-restore-"));
  const work = join(root, "work");
  checkout = join(root, "checkout");
  git(root, "init", "-q", "--bare", "-b", "main", "origin.git");
  git(root, "clone", "-q", "origin.git", "work");
  git(work, "checkout", "-q", "-b", "main");
  writeFileSync(join(work, "app.txt"), "A\n");
  writeFileSync(join(work, "README"), "readme\n");
  git(work, "add", ".");
  git(work, "commit", "-qm", "A");
  a = git(work, "rev-parse", "HEAD");
  git(work, "push", "-q", "origin", "main");
  git(root, "clone", "-q", "origin.git", "checkout");
  writeFileSync(join(work, "app.txt"), "B\n");
  git(work, "commit", "-qam", "B");
  b = git(work, "rev-parse", "HEAD");
  git(work, "push", "-q", "origin", "main");
  git(checkout, "fetch", "-q", "origin");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** An interrupted deployment of B from A, and the recovery run that re-runs it. */
function recoveryRun() {
  const p = fakePipeline(`apps:\n  shop: { repo: acme/shop, path: ${checkout}, branch: main }\n`);
  const { store } = p.stores;
  store.insert({ app: "shop", trigger: "push", sha: b, branch: "main" });
  const first = store.claimNext("shop") as Deployment;
  store.update(first.id, { previousSha: a });
  store.finish(first.id, "interrupted");
  store.insert({ app: "shop", trigger: "recovery", actor: `recovery of ${first.id}`, sha: b, branch: "main" });
  const d = store.claimNext("shop") as Deployment;
  return sync(withDeadline(p.context(d), 60));
}

describe("sync of a recovery run", () => {
  it("restores a checkout that a killed git left half-done (git reset --hard to the deployment's commit)", async () => {
    writeFileSync(join(checkout, "app.txt"), "B\n"); // the file the interrupted checkout was changing
    const outcome = await recoveryRun();
    expect(outcome.found?.sync).toEqual({ previousSha: a, moved: true });
    expect(git(checkout, "rev-parse", "HEAD")).toBe(b);
    expect(git(checkout, "status", "--porcelain", "--untracked-files=no")).toBe("");
  });

  it("never overwrites a user's own local edit", async () => {
    writeFileSync(join(checkout, "app.txt"), "B\n");
    writeFileSync(join(checkout, "README"), "my edit\n");
    await expect(recoveryRun()).rejects.toThrow(/local modifications in .*README/);
    expect(git(checkout, "rev-parse", "HEAD")).toBe(a);
  });
});
