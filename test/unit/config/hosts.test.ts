/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: the tests are about deployer's own ${VAR}s */
import { describe, expect, it } from "vitest";
import { appHosts, hostAddress, resolveHealthUrl } from "../../../src/config/hosts.js";
import { parseConfig } from "../../../src/config/load.js";
import { ConfigError } from "../../../src/errors.js";
import { hostEnv, onEngine } from "../../../src/runners/docker-host.js";

const parse = (app: string, env: Record<string, string> = {}) =>
  parseConfig(`apps:\n  shop:\n    path: /srv/shop\n${app}`, "/t/deployer.yml", { env, checkPaths: false });

function problems(app: string): string[] {
  try {
    parse(app);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("hosts config", () => {
  it("defaults to the local engine alone, one host at a time", () => {
    const app = parse("").apps.shop!;
    expect(appHosts(app)).toBeUndefined();
    expect(app.rollout).toEqual({ batch: 1, stopOnFailure: true });
  });

  it("reads DOCKER_HOST syntax, contexts and env", () => {
    const app = parse(`    hosts:
      - { name: a, docker: "ssh://deploy@10.0.0.5", env: { PORT: 8080 } }
      - { name: b, context: prod-b }
      - { name: c }
    rollout: { batch: 2 }
`).apps.shop!;
    expect(appHosts(app)).toEqual([
      { name: "a", dockerHost: "ssh://deploy@10.0.0.5", context: undefined, env: { PORT: "8080" } },
      { name: "b", dockerHost: undefined, context: "prod-b", env: {} },
      { name: "c", dockerHost: undefined, context: undefined, env: {} },
    ]);
    expect(app.rollout.batch).toBe(2);
  });

  it("refuses what it cannot do, saying why", () => {
    expect(problems(`    hosts: [{ name: a, docker: "http://x" }]\n`).join()).toContain("DOCKER_HOST syntax");
    expect(problems(`    hosts: [{ name: a, docker: "unix:///s", context: c }]\n`).join()).toContain(
      "mutually exclusive",
    );
    expect(problems(`    hosts: [{ name: a }, { name: a }]\n`).join()).toContain("unique");
    expect(problems(`    hosts: [{ name: a }]\n    rollout: { stopOnFailure: false }\n`).join()).toContain(
      "stopOnFailure: true",
    );
    expect(
      problems(
        `    hosts: [{ name: a }]\n    zeroDowntime: { service: web, port: 80, proxy: { caddy: { listen: "127.0.0.1:1" } } }\n`,
      ).join(),
    ).toContain("zeroDowntime on several hosts is not supported yet");
  });

  it("keeps ${HOST} and the hosts' env in the health URL for deploy time; other variables as before", () => {
    const app = parse(
      `    healthcheck: { url: "http://\${HOST}:\${PORT}/\${PATHNAME}" }\n    hosts:\n      - { name: a, docker: "tcp://10.0.0.7:2376", env: { PORT: "8081" } }\n`,
      { PORT: "9999", PATHNAME: "up" },
    ).apps.shop!;
    expect(app.healthcheck?.url).toBe("http://${HOST}:${PORT}/up");
    const [a] = appHosts(app)!;
    expect(resolveHealthUrl(app.healthcheck!.url, a)).toBe("http://10.0.0.7:8081/up");
  });

  it("refuses a health URL variable that some host does not define", () => {
    const found = problems(
      `    healthcheck: { url: "http://\${HOST}:\${PORT}/" }\n    hosts:\n      - { name: a, env: { PORT: "1" } }\n      - { name: b }\n`,
    );
    expect(found.join()).toContain("healthcheck.url: ${PORT} is not in host b's env");
  });

  it("without hosts, ${HOST} in a health URL is an ordinary (missing) variable", () => {
    expect(problems(`    healthcheck: { url: "http://\${HOST}/" }\n`).join()).toContain("HOST is not set");
  });
});

describe("host engines", () => {
  it("points docker and Compose at the host, the other selector emptied, never prompting for ssh", () => {
    expect(hostEnv({ name: "a", dockerHost: "ssh://d@h", env: { PORT: "1" } })).toEqual({
      PORT: "1",
      DOCKER_HOST: "ssh://d@h",
      DOCKER_CONTEXT: "",
      SSH_ASKPASS_REQUIRE: "never",
    });
    expect(hostEnv({ name: "b", context: "prod", env: {} })).toMatchObject({ DOCKER_CONTEXT: "prod", DOCKER_HOST: "" });
    expect(hostEnv({ name: "c", env: {} })).toEqual({ SSH_ASKPASS_REQUIRE: "never" });
    // A host's env cannot point its commands at another engine.
    expect(hostEnv({ name: "d", dockerHost: "unix:///x", env: { DOCKER_HOST: "tcp://evil" } }).DOCKER_HOST).toBe(
      "unix:///x",
    );
  });

  it("adds the host's environment to run options, and nothing without a host", () => {
    const opts = { step: "up", timeoutMs: 1, env: { A: "1" } };
    expect(onEngine(opts, undefined)).toBe(opts);
    expect(onEngine(opts, { name: "b", dockerHost: "unix:///b", env: {} }).env).toMatchObject({
      A: "1",
      DOCKER_HOST: "unix:///b",
    });
  });

  it("names the machine for ${HOST}: ssh:// and tcp:// hosts, loopback otherwise", () => {
    expect(hostAddress({ name: "a", dockerHost: "ssh://deploy@10.0.0.5:2222", env: {} })).toBe("10.0.0.5");
    expect(hostAddress({ name: "b", dockerHost: "tcp://box.lan:2376", env: {} })).toBe("box.lan");
    expect(hostAddress({ name: "c", dockerHost: "unix:///run/b.sock", env: {} })).toBe("127.0.0.1");
    expect(hostAddress({ name: "d", context: "x", env: {} })).toBe("127.0.0.1");
  });
});
