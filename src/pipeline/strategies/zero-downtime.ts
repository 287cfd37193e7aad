import { removeContainers } from "../../runners/docker.js";
import { engineOptions } from "../context.js";
import { healthNew } from "../steps/health-new.js";
import { start } from "../steps/start.js";
import { switchTraffic } from "../steps/switch.js";
import type { Strategy } from "./strategy.js";

/**
 * A second container of the traffic service starts beside the serving one, is health-checked directly,
 * then the proxy switches to it. The old one serves until the switch and drains after it.
 */
export const zeroDowntime: Strategy = {
  name: "zero-downtime",
  release: [
    { name: "start", timeout: "up", run: start },
    { name: "health", timeout: "health", run: healthNew },
    { name: "switch", timeout: "up", run: switchTraffic },
  ],
  // A new container that never took traffic goes; the proxy was never pointed at it (or was pointed back).
  async cleanup(ctx, found) {
    if (found.release && !found.switched) await removeContainers([found.release.id], engineOptions(ctx, "recover"));
  },
};
