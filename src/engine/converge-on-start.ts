import type { Logger } from "pino";
import { composeTarget } from "../config/app-compose.js";
import type { Config } from "../config/types.js";
import { converge } from "../pipeline/converge.js";
import { track } from "../pipeline/drains.js";
import { proxyFor } from "../proxies/index.js";
import type { ServingStore } from "../store/serving.js";

/**
 * At start, each zero-downtime app is brought back to one serving container with the proxy pointing at
 * it, whatever a crash (mid-switch, mid-drain) left. Runs in the background; the app's next deployment
 * waits for it.
 */
export function convergeOnStart(config: Config, serving: ServingStore, logger: Logger): void {
  for (const app of Object.values(config.apps)) {
    const zd = app.zeroDowntime;
    if (!zd) continue;
    void track(app.name, async () => {
      try {
        const opts = { cwd: app.path, step: "converge", timeoutMs: 120_000 };
        const now = await converge(app.name, composeTarget(app), zd, {
          proxy: proxyFor(app.name, zd),
          serving,
          opts,
          reapply: true,
        });
        logger.info(
          { app: app.name },
          `${app.name}: ${now ? `${now.name} serves at ${now.address}` : "nothing serves yet"}`,
        );
      } catch (err) {
        logger.warn(
          { app: app.name, err },
          `${app.name}: could not converge on one serving container: ${(err as Error).message}`,
        );
      }
    });
  }
}
