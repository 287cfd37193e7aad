import type { Config } from "./types.js";

/**
 * `build(config, forge)` computed once per config and forge, for what intake asks on every delivery
 * (500 apps make it dear). The config is frozen, so nothing cached goes stale; a reloaded config is a
 * new object with its own entries.
 */
export function perForge<T>(build: (config: Config, forge: string) => T): (config: Config, forge: string) => T {
  const cache = new WeakMap<Config, Map<string, T>>();
  // The config in use, in front of the WeakMap: asked several times per delivery, it is nearly always this one.
  let lastConfig: Config | undefined;
  let lastByForge: Map<string, T> | undefined;
  return (config, forge) => {
    let byForge = config === lastConfig ? lastByForge : cache.get(config);
    if (!byForge) {
      byForge = new Map();
      cache.set(config, byForge);
    }
    lastConfig = config;
    lastByForge = byForge;
    let value = byForge.get(forge);
    if (value === undefined && !byForge.has(forge)) {
      value = build(config, forge);
      byForge.set(forge, value);
    }
    return value as T;
  };
}
