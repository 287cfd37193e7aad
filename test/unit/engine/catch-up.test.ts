import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import type { AppConfig } from "../../../src/config/types.js";
import { catchUpApp, startCatchUp } from "../../../src/engine/catch-up.js";
import { createLogger } from "../../../src/logger.js";
import type { Deployment } from "../../../src/store/types.js";
import { git } from "../../helpers/git.js";
import { openMemoryStore } from "../../helpers/store.js";

const root = mkdtempSync(join(tmpdir(), "t8-catchup-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const work = join(root, "work");
git(root, "init", "-q", "--bare", "-b", "main", "origin.git");
git(root, "clone", "-q", "origin.git", "work");
git(work, "checkout", "-q", "-b", "main");
const commit = (text: string) => {
  writeFileSync(join(work, "f"), text);
  git(work, "add", "f");
  git(work, "commit", "-qm", text);
  git(work, "push", "-q", "origin", "main");
  return git(work, "rev-parse", "HEAD");
};
const a = commit("a");
git(root, "clone", "-q", "origin.git", "checkout");

function setup(poll?: number) {
  const yaml = `apps:\n  shop: { repo: acme/shop, path: ${join(root, "checkout")}, branch: main${poll ? `, poll: ${poll}` : ""} }\n`;
  const config = parseConfig(yaml, "/t/deployer.yml", { env: {}, checkPaths: false });
  const { store } = openMemoryStore();
  let kicks = 0;
  const rt = { store, config, logger: createLogger({ console: false }), queue: { kick: () => kicks++ } } as never;
  const deployed = (sha: string) => {
    store.insert({ app: "shop", trigger: "push", sha, branch: "main" });
    store.finish((store.claimNext("shop") as Deployment).id, "succeeded");
  };
  return { rt, store, app: config.apps.shop as AppConfig, deployed, kicks: () => kicks };
}

describe("catch-up of missed pushes", () => {
  it("queues the branch head when it moved past the deployed commit while deployer was not told", async () => {
    const { rt, store, app, deployed, kicks } = setup();
    deployed(a);
    const b = commit("b");
    await catchUpApp(rt, app);
    const [queued] = store.list({ app: "shop" });
    expect(queued).toMatchObject({ status: "queued", trigger: "catch-up", sha: b, branch: "main" });
    expect(kicks()).toBe(1);
    await catchUpApp(rt, app); // already queued: not twice
    expect(store.list({ app: "shop" })).toHaveLength(2);
  });

  it("leaves alone an app never deployed, and a head deployer already knows (a rolled-back commit)", async () => {
    const s1 = setup();
    await catchUpApp(s1.rt, s1.app);
    expect(s1.store.list({})).toHaveLength(0);
    const s2 = setup();
    const head = git(work, "rev-parse", "HEAD");
    s2.deployed(head);
    s2.deployed(a); // rolled back
    await catchUpApp(s2.rt, s2.app);
    expect(s2.store.list({})).toHaveLength(2);
  });

  it("checks again every `poll` seconds", async () => {
    const { rt, store, deployed } = setup(5);
    deployed(git(work, "rev-parse", "HEAD"));
    const c = startCatchUp(rt);
    await c.started;
    const d = commit("d");
    const until = Date.now() + 15_000;
    while (!store.list({ app: "shop" }).some((x) => x.sha === d) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
    }
    c.stop();
    expect(store.list({ app: "shop" })[0]).toMatchObject({ trigger: "catch-up", sha: d });
  }, 20_000);
});
