import type { AppConfig } from "../../config/types.js";
import { recreate } from "./recreate.js";
import type { Strategy } from "./strategy.js";
import { swarm } from "./swarm.js";
import { zeroDowntime } from "./zero-downtime.js";

/**
 * `strategy: swarm` deploys a stack; apps with a `zeroDowntime` block swap containers through their
 * proxy; the rest recreate in place (the config refuses any other combination).
 */
export function strategyFor(app: Pick<AppConfig, "strategy" | "zeroDowntime">): Strategy {
  if (app.strategy === "swarm") return swarm;
  return app.zeroDowntime ? zeroDowntime : recreate;
}
