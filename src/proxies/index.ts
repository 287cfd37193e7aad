import type { ZeroDowntime } from "../config/schema.js";
import { caddyProxy } from "./caddy.js";
import { nginxProxy } from "./nginx.js";
import type { AppProxy } from "./types.js";

/** The proxy an app's `zeroDowntime.proxy` names: one file per kind, chosen here only. */
export function proxyFor(app: string, zd: ZeroDowntime): AppProxy {
  return "nginx" in zd.proxy ? nginxProxy(app, zd.proxy.nginx) : caddyProxy(app, zd.proxy.caddy);
}
