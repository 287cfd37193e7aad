import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../../src/config/load.js";
import { DEFAULT_REBUILD_ON } from "../../../src/config/types.js";
import { ConfigError } from "../../../src/errors.js";

const FILE = "/etc/deployer/deployer.yml";

/** Parses and returns the ConfigError it throws (fails the test when nothing is thrown). */
function problemsOf(text: string, opts: Parameters<typeof parseConfig>[2] = { env: {}, checkPaths: false }) {
  try {
    parseConfig(text, FILE, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected parseConfig to throw");
}

const minimal = `
apps:
  shop:
    repo: acme/shop
    path: /srv/shop
`;

describe("parseConfig: defaults", () => {
  const config = parseConfig(minimal, FILE, { env: {}, checkPaths: false });

  it("fills the server, data and log defaults, relative to the config file", () => {
    expect(config.server).toEqual({ host: "0.0.0.0", port: 8000 });
    expect(config.dataDir).toBe("/etc/deployer/data");
    expect(config.logFile).toBe("/etc/deployer/webhook_server.log");
    expect(config.file).toBe(FILE);
  });

  it("ignores the deployer's own repo and uses the documented limits", () => {
    expect(config.ignore).toEqual(["deployer"]);
    expect(config.concurrency).toBe(2);
    expect(config.history).toBe(200);
    expect(config.keepImages).toBe(5);
    expect(config.compose).toBe("auto");
  });

  it("has no secret or token when the environment has none", () => {
    expect(config.secret).toBeUndefined();
    expect(config.apiToken).toBeUndefined();
  });

  it("gives each app its name, the old script's rebuild list, step timeouts and empty hooks", () => {
    const app = config.apps.shop!;
    expect(app.name).toBe("shop");
    expect(app.path).toBe("/srv/shop");
    expect(app.branch).toBeUndefined();
    expect(app.composeFiles).toBeUndefined();
    expect(app.rebuildOn).toEqual(DEFAULT_REBUILD_ON);
    expect(DEFAULT_REBUILD_ON).toEqual([
      "requirements.txt",
      "Dockerfile",
      "Dockerfile.dev",
      "Dockerfile.prod",
      ".dockerignore",
      ".env",
    ]);
    expect(app.timeouts).toEqual({ git: 120, build: 1800, up: 600, health: 120, hooks: 600 });
    expect(app.hooks).toEqual({ preDeploy: [], postDeploy: [] });
  });

  it("fills in the other timeouts when only one is set", () => {
    const c = parseConfig(`apps:\n  shop:\n    path: /srv/shop\n    timeouts: { build: 900 }\n`, FILE, {
      env: {},
      checkPaths: false,
    });
    expect(c.apps.shop!.timeouts).toEqual({ git: 120, build: 900, up: 600, health: 120, hooks: 600 });
  });

  it("takes the secret and token from GITHUB_WEBHOOK_SECRET and DEPLOYER_API_TOKEN", () => {
    const c = parseConfig(minimal, FILE, {
      env: { GITHUB_WEBHOOK_SECRET: "s3cret", DEPLOYER_API_TOKEN: "tok" },
      checkPaths: false,
    });
    expect(c.secret).toBe("s3cret");
    expect(c.apiToken).toBe("tok");
  });

  it("treats an empty GITHUB_WEBHOOK_SECRET as no secret", () => {
    const c = parseConfig(minimal, FILE, { env: { GITHUB_WEBHOOK_SECRET: "" }, checkPaths: false });
    expect(c.secret).toBeUndefined();
  });

  it("keeps absolute paths and resolves relative app paths against the config's directory", () => {
    const c = parseConfig(`dataDir: /var/lib/deployer\nlogFile: null\napps:\n  a: { path: ../srv/a }\n`, FILE, {
      env: {},
      checkPaths: false,
    });
    expect(c.dataDir).toBe("/var/lib/deployer");
    expect(c.logFile).toBeNull();
    expect(c.apps.a!.path).toBe("/etc/srv/a");
  });

  it("returns a frozen config", () => {
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.apps.shop)).toBe(true);
  });
});

describe("parseConfig: environment variable substitution", () => {
  it("replaces variables anywhere in a string, from the given environment", () => {
    const c = parseConfig(
      `secret: \${HOOK_SECRET}\napiToken: tok-\${TOKEN_PART}-x\napps:\n  shop:\n    path: \${SRV}/shop\n`,
      FILE,
      { env: { HOOK_SECRET: "abc", TOKEN_PART: "123", SRV: "/srv" }, checkPaths: false },
    );
    expect(c.secret).toBe("abc");
    expect(c.apiToken).toBe("tok-123-x");
    expect(c.apps.shop!.path).toBe("/srv/shop");
  });

  it("uses the :-default when the variable is unset", () => {
    const c = parseConfig(`apps:\n  shop:\n    path: \${SRV:-/opt}/shop\n`, FILE, { env: {}, checkPaths: false });
    expect(c.apps.shop!.path).toBe("/opt/shop");
  });

  it("never lets a value change the document's structure", () => {
    const c = parseConfig(`secret: \${S}\napps:\n  shop: { path: /srv/shop }\n`, FILE, {
      env: { S: "x\nconcurrency: 9" },
      checkPaths: false,
    });
    expect(c.secret).toBe("x\nconcurrency: 9");
    expect(c.concurrency).toBe(2);
  });

  // A whole-value ${VAR} in a numeric field stays a string after substitution and then fails the type check,
  // so `port: ${PORT}` cannot be written. Compose and most YAML-with-env tools coerce here. See report.
  it("accepts a number from an environment variable in a numeric field (server.port)", () => {
    const c = parseConfig(`server:\n  port: \${PORT}\n${minimal}`, FILE, { env: { PORT: "8080" }, checkPaths: false });
    expect(c.server.port).toBe(8080);
  });

  it("names a missing variable and the key it is used in", () => {
    const err = problemsOf(`secret: \${GITHUB_WEBHOOK_SECRET}\n${minimal}`);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain("GITHUB_WEBHOOK_SECRET");
    expect(err.problems[0]).toMatch(/^\/etc\/deployer\/deployer\.yml: secret: /);
  });

  it("reports every missing variable with its nested key path", () => {
    const err = problemsOf(`apps:\n  shop:\n    path: \${SHOP_PATH}\n    rebuildOn: ["\${EXTRA}"]\n`);
    expect(err.problems).toEqual([
      `${FILE}: apps.shop.path: environment variable SHOP_PATH is not set`,
      `${FILE}: apps.shop.rebuildOn.0: environment variable EXTRA is not set`,
    ]);
  });
});

describe("parseConfig: errors", () => {
  it("rejects an unknown top-level key, naming it", () => {
    const err = problemsOf(`secrett: x\n${minimal}`);
    expect(err.message).toContain("secrett");
    expect(err.problems.every((p) => p.startsWith(`${FILE}: `))).toBe(true);
  });

  it("rejects an unknown app key with its key path", () => {
    const err = problemsOf(`apps:\n  shop:\n    path: /srv/shop\n    colour: blue\n`);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toContain(`${FILE}: apps.shop`);
    expect(err.problems[0]).toContain("colour");
  });

  it("rejects an unknown nested key (server.hots)", () => {
    const err = problemsOf(`server: { hots: x }\n${minimal}`);
    expect(err.problems[0]).toMatch(/server/);
    expect(err.problems[0]).toContain("hots");
  });

  it.each([
    ["a string port", `server: { port: "eighty" }\n${minimal}`, "server.port"],
    ["a port out of range", `server: { port: 70000 }\n${minimal}`, "server.port"],
    ["zero concurrency", `concurrency: 0\n${minimal}`, "concurrency"],
    ["a non-list rebuildOn", `apps:\n  shop: { path: /srv/shop, rebuildOn: Dockerfile }\n`, "apps.shop.rebuildOn"],
    ["a repo without owner", `apps:\n  shop: { path: /srv/shop, repo: shop }\n`, "apps.shop.repo"],
    [
      "a hook that is not an argv list",
      `apps:\n  shop: { path: /srv/shop, hooks: { preDeploy: ["make"] } }\n`,
      "apps.shop.hooks.preDeploy.0",
    ],
    ["a negative timeout", `apps:\n  shop: { path: /srv/shop, timeouts: { build: -1 } }\n`, "apps.shop.timeouts.build"],
    [
      "a healthcheck without a URL",
      `apps:\n  shop: { path: /srv/shop, healthcheck: { url: nope } }\n`,
      "apps.shop.healthcheck.url",
    ],
    ["an app without path", `apps:\n  shop: { repo: acme/shop }\n`, "apps.shop.path"],
    ["no apps at all", "server: { port: 8000 }\n", "apps"],
  ])("rejects %s, naming the key", (_name, text, key) => {
    const err = problemsOf(text);
    expect(err.problems.some((p) => p.startsWith(`${FILE}: ${key}:`))).toBe(true);
  });

  it("reports all type problems at once", () => {
    const err = problemsOf(`server: { port: x }\nconcurrency: many\n${minimal}`);
    expect(err.problems.length).toBe(2);
  });

  it("reports YAML syntax errors with the file name", () => {
    const err = problemsOf("apps: [\n  shop: {");
    expect(err.problems[0]).toMatch(new RegExp(`^${FILE.replace(/[./]/g, "\\$&")}: YAML`));
  });

  it("loadConfig names a missing file and suggests `deployer init`", () => {
    expect(() => loadConfig("/nonexistent/deployer.yml")).toThrow(/nonexistent\/deployer\.yml.*deployer init/);
  });
});

describe("parseConfig: app path checks", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "deployer-config-"));
    mkdirSync(join(dir, "checkout"));
    execFileSync("git", ["init", "-q", join(dir, "checkout")], { timeout: 60_000 });
    mkdirSync(join(dir, "plain"));
    writeFileSync(join(dir, "file"), "x");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const withPath = (path: string) => `apps:\n  shop:\n    path: ${path}\n`;

  it("accepts a git checkout", () => {
    const c = parseConfig(withPath(join(dir, "checkout")), join(dir, "deployer.yml"), { env: {} });
    expect(c.apps.shop!.path).toBe(join(dir, "checkout"));
  });

  it("accepts a relative path to a git checkout", () => {
    const c = parseConfig(withPath("./checkout"), join(dir, "deployer.yml"), { env: {} });
    expect(c.apps.shop!.path).toBe(join(dir, "checkout"));
  });

  it.each([
    ["a directory that is not a git checkout", "plain", /not a git checkout/],
    ["a path that does not exist", "missing", /does not exist/],
    ["a file", "file", /not a directory/],
  ])("rejects %s, naming apps.<name>.path and the file", (_name, sub, reason) => {
    const file = join(dir, "deployer.yml");
    let err: ConfigError | undefined;
    try {
      parseConfig(withPath(join(dir, sub)), file, { env: {} });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toHaveLength(1);
    expect(err!.problems[0]).toContain(`${file}: apps.shop.path: ${join(dir, sub)}`);
    expect(err!.problems[0]).toMatch(reason);
  });

  it("reports every bad app path, not just the first", () => {
    const text = `apps:\n  a: { path: ${join(dir, "plain")} }\n  b: { path: ${join(dir, "missing")} }\n`;
    let err: ConfigError | undefined;
    try {
      parseConfig(text, join(dir, "deployer.yml"), { env: {} });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err?.problems.map((p) => p.match(/apps\.(\w)\.path/)?.[1])).toEqual(["a", "b"]);
  });
});

describe("config guards", () => {
  it("refuses two apps on one checkout", () => {
    expect(() =>
      parseConfig("apps:\n  a: { path: /srv/x }\n  b: { path: /srv/x }\n", "/t/deployer.yml", {
        env: {},
        checkPaths: false,
      }),
    ).toThrow(/apps\.b\.path: \/srv\/x is already the path of app a/);
  });

  it("refuses a timeout Node's timers cannot hold", () => {
    expect(() =>
      parseConfig("apps:\n  a: { path: /srv/x, timeouts: { build: 9999999 } }\n", "/t/deployer.yml", {
        env: {},
        checkPaths: false,
      }),
    ).toThrow(/apps\.a\.timeouts\.build/);
  });
});
