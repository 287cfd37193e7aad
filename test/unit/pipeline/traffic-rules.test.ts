import { describe, expect, it } from "vitest";
import type { ZeroDowntime } from "../../../src/config/schema.js";
import { trafficProblems } from "../../../src/pipeline/traffic-rules.js";
import type { ComposeService } from "../../../src/runners/compose.js";

const zd = {
  service: "web",
  port: 8080,
  drain: 5,
  proxy: { caddy: { admin: "http://a", listen: "l:1" } },
} as ZeroDowntime;
const web = (extra: Partial<ComposeService>): ComposeService => ({ name: "web", image: "shop_web", ...extra });

describe("trafficProblems", () => {
  it("accepts an ephemeral loopback port and no container_name", () => {
    expect(trafficProblems(web({ ports: [{ hostIp: "127.0.0.1", published: "", target: 8080 }] }), zd)).toEqual([]);
  });

  it("names the missing service", () => {
    expect(trafficProblems(undefined, zd)).toEqual(["zeroDowntime.service: the compose files have no service web"]);
  });

  it("refuses a fixed host port with the fix", () => {
    const [p] = trafficProblems(web({ ports: [{ hostIp: "127.0.0.1", published: "8080", target: 8080 }] }), zd);
    expect(p).toBe(
      'service web publishes 127.0.0.1:8080:8080: use an ephemeral loopback port, ports: ["127.0.0.1::8080"], so old and new can run at once and only the proxy is public',
    );
  });

  it("refuses a port open on every address, an unpublished port, and container_name", () => {
    expect(trafficProblems(web({ ports: [{ hostIp: "", published: "", target: 8080 }] }), zd)[0]).toMatch(
      /publishes :8080: use an ephemeral loopback port/,
    );
    expect(trafficProblems(web({ ports: [] }), zd)).toEqual([
      'service web does not publish port 8080: add ports: ["127.0.0.1::8080"]',
    ]);
    expect(
      trafficProblems(
        web({ containerName: "shop", ports: [{ hostIp: "127.0.0.1", published: "", target: 8080 }] }),
        zd,
      ),
    ).toEqual(["service web sets container_name (shop): remove it, two containers of it must run side by side"]);
  });
});
