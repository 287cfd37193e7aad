import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { ConfigError } from "../../../src/errors.js";
import { strategyFor } from "../../../src/pipeline/strategies/index.js";

const parse = (app: string) =>
  parseConfig(`apps:\n  shop:\n    path: /srv/shop\n${app}`, "/t/deployer.yml", { env: {}, checkPaths: false });

function problems(app: string): string {
  try {
    parse(app);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.join("\n");
  }
  throw new Error("expected a ConfigError");
}

const ZD = `    zeroDowntime: { service: web, port: 80, proxy: { caddy: { listen: "127.0.0.1:1" } } }\n`;

describe("strategy and registry config", () => {
  it("keeps today's default: recreate, or zero-downtime with that block", () => {
    expect(parse("").apps.shop!.strategy).toBeUndefined();
    expect(strategyFor(parse("").apps.shop!).name).toBe("recreate");
    expect(strategyFor(parse(ZD).apps.shop!).name).toBe("zero-downtime");
    expect(strategyFor(parse(`    strategy: zeroDowntime\n${ZD}`).apps.shop!).name).toBe("zero-downtime");
    expect(strategyFor(parse("    strategy: recreate\n").apps.shop!).name).toBe("recreate");
  });

  it("reads strategy: swarm with its registry", () => {
    const app = parse("    strategy: swarm\n    registry: registry.example.com:5000\n").apps.shop!;
    expect(app.registry).toBe("registry.example.com:5000");
    expect(strategyFor(app).name).toBe("swarm");
    expect(strategyFor(app).release.map((s) => s.name)).toEqual(["push", "stackDeploy", "health"]);
  });

  it("takes a registry with a namespace, a bare host, or localhost", () => {
    for (const r of ["127.0.0.1:5000/team", "registry.example.com", "localhost:5000", "r.example.com/a/b-c"])
      expect(parse(`    strategy: swarm\n    registry: ${r}\n`).apps.shop!.registry).toBe(r);
  });

  it("refuses a registry that is not host[:port][/path]", () => {
    for (const r of ["https://r.example.com", "r.example.com:5000/Team", "-r:1", "r.example.com:port", "a b"])
      expect(problems(`    strategy: swarm\n    registry: "${r}"\n`)).toContain("must be host[:port][/path]");
  });

  it("refuses swarm without a registry", () => {
    expect(problems("    strategy: swarm\n")).toContain("strategy: swarm needs registry: host:port");
  });

  it("takes a registry without swarm: build once and push, on hosts, on the local engine, with zeroDowntime", () => {
    const hosts = `    hosts: [{ name: a }, { name: b, docker: "unix:///b.sock" }]\n`;
    for (const extra of [hosts, "    strategy: recreate\n", ZD, ""]) {
      const app = parse(`    registry: r.example.com:5000\n${extra}`).apps.shop!;
      expect(app.registry).toBe("r.example.com:5000");
      expect(strategyFor(app).name).not.toBe("swarm");
    }
  });

  it("refuses swarm with zeroDowntime, and swarm on more than one host", () => {
    const swarm = "    strategy: swarm\n    registry: r:5000\n";
    expect(problems(swarm + ZD)).toContain("strategy: swarm and zeroDowntime are mutually exclusive");
    expect(problems(`${swarm}    hosts: [{ name: a }, { name: b, docker: "unix:///b.sock" }]\n`)).toContain(
      "strategy: swarm takes at most one host, the swarm manager's engine",
    );
  });

  it("takes one host as the swarm manager's engine", () => {
    const app = parse(`    strategy: swarm\n    registry: r:5000\n    hosts: [{ name: m, docker: "ssh://me@mgr" }]\n`);
    expect(app.apps.shop!.hosts).toHaveLength(1);
  });

  it("refuses strategy names and blocks that contradict each other", () => {
    expect(problems("    strategy: zeroDowntime\n")).toContain("strategy: zeroDowntime needs a zeroDowntime block");
    expect(problems(`    strategy: recreate\n${ZD}`)).toContain("contradict each other");
    expect(problems("    strategy: rolling\n")).toMatch(/strategy/);
  });
});
