import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { createLogger } from "../../../src/logger.js";
import { runDeployment } from "../../../src/pipeline/index.js";
import { LogStore } from "../../../src/store/logs.js";
import { openMemoryStore } from "../../helpers/store.js";

// Retention runs at the end of every deployment, whatever its outcome; these end at once
// (no branch recorded), so no git or Docker is involved.
describe("retention", () => {
  const dir = mkdtempSync(join(tmpdir(), "deployer-retention-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps the newest `history` deployments of an app and deletes the others with their logs", async () => {
    const config = parseConfig("history: 2\napps:\n  shop: { path: /srv/shop }\n", join(dir, "deployer.yml"), {
      env: {},
      checkPaths: false,
    });
    const { db, store } = openMemoryStore();
    const logs = new LogStore(join(dir, "logs"));
    const deps = {
      config,
      store,
      logs,
      compose: { version: "v1", argv: ["docker-compose"] } as const,
      logger: createLogger({ console: false }),
    };
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      store.insert({ app: "shop", trigger: "push", sha: String(i).repeat(40) });
      const d = store.claimNext("shop");
      if (!d) throw new Error("nothing claimed");
      ids.push(d.id);
      logs.sink(d.id).line("a line");
      await runDeployment(
        { ...deps, compose: { version: "v1", argv: ["docker-compose"] } },
        d,
        new AbortController().signal,
      );
    }
    expect(store.get(ids[0] as string)).toBeUndefined();
    expect(existsSync(logs.file(ids[0] as string))).toBe(false);
    for (const id of ids.slice(1)) {
      expect(store.get(id)?.status).toBe("failed");
      expect(existsSync(logs.file(id))).toBe(true);
    }
    db.close();
  });
});
