import { describe, expect, it } from "vitest";
import { parseBuild, parsePorts, parseServices } from "../../../src/runners/compose-config.js";

describe("compose config parsing", () => {
  it("reads v1's short port form and v2's long form alike", () => {
    expect(parsePorts(["127.0.0.1::8080/tcp", "0.0.0.0:80:80/tcp", "9000"])).toEqual([
      { hostIp: "127.0.0.1", published: "", target: 8080 },
      { hostIp: "0.0.0.0", published: "80", target: 80 },
      { hostIp: "", published: "", target: 9000 },
    ]);
    expect(parsePorts([{ mode: "ingress", host_ip: "127.0.0.1", target: 8080, protocol: "tcp" }])).toEqual([
      { hostIp: "127.0.0.1", published: "", target: 8080 },
    ]);
    expect(parsePorts([{ target: 80, published: "8080" }])).toEqual([{ hostIp: "", published: "8080", target: 80 }]);
  });

  it("marks a build plain only when docker build can do exactly what Compose would", () => {
    expect(parseBuild("/srv/shop")).toEqual({ context: "/srv/shop", dockerfile: "Dockerfile", plain: true });
    expect(parseBuild({ context: "/s", dockerfile: "D", args: { A: "1" }, target: "prod" })).toMatchObject({
      args: { A: "1" },
      target: "prod",
      plain: true,
    });
    expect(parseBuild({ context: "/s", args: ["A=1=2"] })?.args).toEqual({ A: "1=2" });
    expect(parseBuild({ context: "/s", cache_from: ["x"] })?.plain).toBe(false);
    expect(parseBuild({ context: "/s", args: { UNSET: null } })?.plain).toBe(false);
  });

  it("names built images as each Compose version does, and keeps container_name", () => {
    const yaml = "services:\n  web:\n    build: {context: /s}\n    container_name: w\n  db:\n    image: postgres:16\n";
    expect(parseServices({ version: "v2", argv: ["docker", "compose"] }, "shop", yaml)).toMatchObject([
      { name: "web", image: "shop-web", containerName: "w" },
      { name: "db", image: "postgres:16", build: undefined },
    ]);
  });
});
