import type { AppConfig } from "../../config/types.js";
import { recreate } from "./recreate.js";
import type { Strategy } from "./strategy.js";
import { zeroDowntime } from "./zero-downtime.js";

/** Apps with a `zeroDowntime` block swap containers through their proxy; the rest recreate in place. */
export function strategyFor(app: AppConfig): Strategy {
  return app.zeroDowntime ? zeroDowntime : recreate;
}
