import type { CaddyProxyConfig } from "../config/schema.js";
import { type AppProxy, ProxyError, UPSTREAM_HEADER } from "./types.js";

/** The Caddy server deployer owns for the app, listening on `listen` and proxying to `upstream`. Pure. */
export function caddyServer(app: string, upstream: string, listen: string): Record<string, unknown> {
  return {
    listen: [listen],
    automatic_https: { disable: true },
    routes: [
      {
        "@id": `deployer-${app}`,
        handle: [
          {
            handler: "reverse_proxy",
            upstreams: [{ dial: upstream }],
            headers: { response: { set: { [UPSTREAM_HEADER]: ["{http.reverse_proxy.upstream.hostport}"] } } },
          },
        ],
      },
    ],
  };
}

/** Drives Caddy's admin API; only the app's own server (`deployer-<app>`) is created or changed. */
export function caddyProxy(app: string, cfg: CaddyProxyConfig): AppProxy {
  const admin = cfg.admin.replace(/\/+$/, "");
  const id = `deployer-${app}`;
  const call = async (method: string, path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${admin}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new ProxyError(`Caddy admin API at ${admin} did not answer: ${(err as Error).message}`);
    }
    const text = await res.text();
    return { ok: res.ok, status: res.status, json: () => (text ? (JSON.parse(text) as unknown) : null), text };
  };
  const must = async (method: string, path: string, body: unknown) => {
    const r = await call(method, path, body);
    if (!r.ok) throw new ProxyError(`Caddy refused ${method} ${path} (${r.status}): ${r.text.trim().slice(0, 300)}`);
  };
  return {
    kind: "caddy",
    url: `http://${cfg.listen}`,
    async current() {
      const r = await call("GET", `/id/${id}/handle/0/upstreams/0/dial`);
      const dial = r.ok ? r.json() : undefined;
      return typeof dial === "string" ? dial : undefined;
    },
    async switchTo(upstream) {
      if ((await call("GET", `/id/${id}`)).ok) {
        await must("PATCH", `/id/${id}/handle/0/upstreams`, [{ dial: upstream }]);
        return;
      }
      // First switch: add the app's server beside whatever Caddy already serves.
      // Caddy only sets a key whose parent exists: find the deepest existing level and add below it.
      let value: unknown = caddyServer(app, upstream, cfg.listen);
      const levels = ["/config/apps/http/servers", "/config/apps/http", "/config/apps"];
      const keys = [id, "servers", "http"];
      for (const [i, path] of levels.entries()) {
        const r = await call("GET", path);
        if (r.ok && r.json()) return must("POST", `${path}/${keys[i]}`, value);
        value = { [keys[i] as string]: value };
      }
      return must("POST", "/config/apps", value);
    },
  };
}
