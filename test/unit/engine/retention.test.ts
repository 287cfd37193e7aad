import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { applyRetention } from "../../../src/engine/retention.js";
import { LogStore } from "../../../src/store/logs.js";
import { openMemoryStore } from "../../helpers/store.js";

const sha = (n: number) => n.toString(16).padStart(40, "0");

describe("retention", () => {
  const dir = mkdtempSync(join(tmpdir(), "deployer-retention-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the newest `history` deployments of an app and deletes the others with their steps and logs", () => {
    const config = parseConfig(
      "history: 2\nkeepImages: 1\napps:\n  shop: { path: /srv/shop }\n  blog: { path: /srv/blog }\n",
      join(dir, "deployer.yml"),
      { env: {}, checkPaths: false },
    );
    const { db, ...stores } = openMemoryStore();
    const logs = new LogStore(join(dir, "logs"));
    const ids = [1, 2, 3].map((n) => {
      const d = stores.store.insert({ app: "shop", trigger: "push", sha: sha(n) });
      stores.steps.start(d.id, "sync");
      stores.store.finish(d.id, "failed", "x");
      logs.sink(d.id).line("a line");
      return d.id;
    });
    const other = stores.store.insert({ app: "blog", trigger: "push", sha: sha(9) });
    stores.store.finish(other.id, "failed", "x");

    applyRetention("shop", config, stores, logs);

    const [gone, ...kept] = ids as [string, ...string[]];
    expect(stores.store.get(gone)).toBeUndefined();
    expect(stores.steps.list(gone)).toEqual([]);
    expect(existsSync(logs.file(gone))).toBe(false);
    for (const id of kept) {
      expect(stores.store.get(id)?.status).toBe("failed");
      expect(stores.steps.list(id)).toHaveLength(1);
      expect(existsSync(logs.file(id))).toBe(true);
    }
    expect(stores.store.get(other.id)).toBeDefined();
    db.close();
  });

  it("forgets deliveries older than 30 days after each deployment, and keeps newer ones", () => {
    const config = parseConfig("apps:\n  shop: { path: /srv/shop }\n", join(dir, "deployer.yml"), {
      env: {},
      checkPaths: false,
    });
    const { db, ...stores } = openMemoryStore();
    const logs = new LogStore(join(dir, "logs"));
    const day = 24 * 3600 * 1000;
    const t0 = Date.parse("2030-01-01T00:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"], now: t0 });
    try {
      stores.deliveries.record("31-days-old", "push", null);
      vi.setSystemTime(t0 + 2 * day);
      stores.deliveries.record("29-days-old", "push", null);
      vi.setSystemTime(t0 + 31 * day);
      const d = stores.store.insert({ app: "shop", trigger: "push", sha: sha(1) });
      stores.store.finish(d.id, "succeeded");
      applyRetention("shop", config, stores, logs);
      expect(stores.deliveries.find("31-days-old")).toBeUndefined();
      expect(stores.deliveries.find("29-days-old")).toEqual({ id: "29-days-old", deploymentId: null });
    } finally {
      vi.useRealTimers();
      db.close();
    }
  });
});
