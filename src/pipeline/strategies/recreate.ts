import { health } from "../steps/health.js";
import { up } from "../steps/up.js";
import type { Strategy } from "./strategy.js";

/** Today's default: Compose recreates the changed containers in place, then health is checked. */
export const recreate: Strategy = {
  name: "recreate",
  release: [
    { name: "up", timeout: "up", run: up },
    { name: "health", timeout: "health", run: health },
  ],
};
