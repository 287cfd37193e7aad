import { readFileSync } from "node:fs";
import type { AppConfig } from "../config/types.js";

const SYSCTL = "/proc/sys/net/ipv4/tcp_migrate_req";

/**
 * Caddy (2.6 and later, on Linux) binds a new SO_REUSEPORT socket on every admin-API change and closes
 * the old one; the kernel resets connections still queued on the closed socket unless
 * net.ipv4.tcp_migrate_req=1 moves them to the new one. Returns a warning when an app switches
 * through Caddy and that is off.
 */
export function caddyReloadWarning(
  apps: AppConfig[],
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): string | undefined {
  if (!apps.some((a) => a.zeroDowntime && "caddy" in a.zeroDowntime.proxy)) return undefined;
  let value: string;
  try {
    value = read(SYSCTL).trim();
  } catch {
    return undefined; // not Linux, or a kernel before 5.14: nothing to set
  }
  if (value !== "0") return undefined;
  return "warning: net.ipv4.tcp_migrate_req is 0: Caddy resets a few new connections on every switch under load; set it with `sysctl -w net.ipv4.tcp_migrate_req=1` (and in /etc/sysctl.d/ to keep it)";
}
