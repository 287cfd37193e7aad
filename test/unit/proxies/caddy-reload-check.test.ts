import { describe, expect, it } from "vitest";
import type { AppConfig } from "../../../src/config/types.js";
import { caddyReloadWarning } from "../../../src/proxies/caddy-reload-check.js";

const app = (proxy: unknown) => ({ name: "shop", zeroDowntime: proxy ? { proxy } : undefined }) as unknown as AppConfig;
const caddy = app({ caddy: { admin: "http://127.0.0.1:2019", listen: "127.0.0.1:8080" } });
const sysctl = (value: string) => (path: string) => {
  expect(path).toBe("/proc/sys/net/ipv4/tcp_migrate_req");
  return `${value}\n`;
};

describe("caddyReloadWarning", () => {
  it("warns when an app switches through Caddy and net.ipv4.tcp_migrate_req is 0", () => {
    expect(caddyReloadWarning([caddy], sysctl("0"))).toMatch(/^warning: net\.ipv4\.tcp_migrate_req is 0: .*sysctl -w/);
  });
  it("is quiet when the sysctl is on, missing, or no app uses Caddy", () => {
    expect(caddyReloadWarning([caddy], sysctl("1"))).toBeUndefined();
    const missing = () => {
      throw new Error("ENOENT");
    };
    expect(caddyReloadWarning([caddy], missing)).toBeUndefined();
    expect(caddyReloadWarning([app({ nginx: {} }), app(undefined)], sysctl("0"))).toBeUndefined();
  });
});
