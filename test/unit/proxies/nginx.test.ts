import { describe, expect, it } from "vitest";
import { nginxConfFile, nginxTestArgv, parseNginxUpstream, renderNginxConf } from "../../../src/proxies/nginx.js";

describe("nginx proxy", () => {
  it("writes only deployer-<app>.conf in confDir", () => {
    expect(nginxConfFile("/etc/nginx/conf.d", "shop")).toBe("/etc/nginx/conf.d/deployer-shop.conf");
  });

  it("renders just the upstream without listen, for the user's own server block", () => {
    const text = renderNginxConf("shop", "127.0.0.1:49153", undefined);
    expect(text).toContain("upstream deployer_shop {\n    server 127.0.0.1:49153;\n}");
    expect(text).not.toContain("server {");
    expect(parseNginxUpstream(text)).toBe("127.0.0.1:49153");
  });

  it("adds a server block on listen that proxies to the upstream and names it in a header", () => {
    const text = renderNginxConf("shop", "127.0.0.1:49153", "127.0.0.1:8080");
    expect(text).toContain("    listen 127.0.0.1:8080;");
    expect(text).toContain("proxy_pass http://deployer_shop;");
    expect(text).toContain("add_header x-deployer-upstream $upstream_addr always;");
  });

  it("knows no upstream in a file it did not write", () => {
    expect(parseNginxUpstream("server { listen 80; }")).toBeUndefined();
  });

  it("tests the config with the reload command's own binary and flags", () => {
    const base = { confDir: "/c", reload: ["nginx", "-c", "/x/nginx.conf", "-s", "reload"] };
    expect(nginxTestArgv(base)).toEqual(["nginx", "-c", "/x/nginx.conf", "-t"]);
    expect(nginxTestArgv({ confDir: "/c", reload: ["systemctl", "reload", "nginx"] })).toEqual(["nginx", "-t"]);
    expect(nginxTestArgv({ ...base, test: ["/usr/sbin/nginx", "-t", "-q"] })).toEqual(["/usr/sbin/nginx", "-t", "-q"]);
  });
});
