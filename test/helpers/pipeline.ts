import { parseConfig } from "../../src/config/load.js";
import { createLogger } from "../../src/logger.js";
import type { DeployContext } from "../../src/pipeline/context.js";
import type { PipelineDeps } from "../../src/pipeline/deps.js";
import type { Deployment } from "../../src/store/types.js";
import { openMemoryStore } from "./store.js";

export const sha = (n: number) => n.toString(16).padStart(40, "0");

/**
 * A deployment context over an in-memory store, with a log that collects lines in memory.
 * Nothing in it touches git or Docker; tests fake the runners they need.
 */
export function fakePipeline(yaml = "apps:\n  shop: { repo: acme/shop, path: /srv/shop, branch: main }\n") {
  const config = parseConfig(yaml, "/t/deployer.yml", { env: {}, checkPaths: false });
  const { db, ...stores } = openMemoryStore();
  const lines: string[] = [];
  const deps = {
    ...stores,
    config,
    logs: { end() {}, sink: () => ({ line: (l: string) => lines.push(l) }) },
    compose: { version: "v1", argv: ["docker-compose"] },
    logger: createLogger({ console: false }),
  } as unknown as PipelineDeps;

  /** A deployment of `shop` at commit n, claimed (running), as the queue would hand it over. */
  const claim = (n: number, trigger: Deployment["trigger"] = "push"): Deployment => {
    stores.store.insert({ app: "shop", trigger, sha: sha(n), ref: "refs/heads/main", branch: "main" });
    return stores.store.claimNext("shop") as Deployment;
  };
  /** A finished deployment at commit n. */
  const finished = (n: number, status: Deployment["status"]) => {
    const d = claim(n);
    stores.store.finish(d.id, status);
    return d;
  };
  const context = (deployment: Deployment, signal = new AbortController().signal): DeployContext => ({
    deployment,
    app: config.apps.shop as DeployContext["app"],
    config,
    store: stores.store,
    serving: stores.serving,
    compose: deps.compose,
    log: { line: (l: string) => lines.push(l) },
    logger: deps.logger,
    signal,
    branch: "main",
    touched: new Set(),
  });
  return { db, stores, deps, lines, claim, finished, context };
}
