import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { serverUrl } from "../../../src/cli/context.js";
import { composeTarget } from "../../../src/config/app-compose.js";
import { parseConfig, readEnvironment } from "../../../src/config/load.js";
import { uniqueDir } from "../../helpers/names.js";

// README "Configuration" claims, one test each (the README names these tests next to the claims).
const parse = (yaml: string, env: Record<string, string | undefined>) =>
  parseConfig(yaml.includes("apps:") ? yaml : `${yaml}apps: {}\n`, "/t/deployer.yml", { env, checkPaths: false });

describe("configuration claims", () => {
  let dir: string;
  beforeAll(() => {
    dir = uniqueDir("config-claims");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${VAR} syntax of the config file
  it("${VAR:-default} uses the default when VAR is set but empty", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${VAR} syntax of the config file
    const yaml = "secret: ${HOOK_SECRET:-fallback}\napiToken: ${TOKEN_VAR:-unused}\n";
    const c = parse(yaml, { HOOK_SECRET: "", TOKEN_VAR: "set" });
    expect(c.secret).toBe("fallback");
    expect(c.apiToken).toBe("set");
  });

  describe("the .env of the working directory", () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const k of ["CLAIM_FROM_BOTH", "CLAIM_EMPTY_IN_ENV", "CLAIM_ONLY_DOTENV"]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    });

    it("loses to a non-empty variable of the real environment, and wins over an empty one", () => {
      const envDir = join(dir, "env");
      mkdirSync(envDir, { recursive: true });
      writeFileSync(
        join(envDir, ".env"),
        "CLAIM_FROM_BOTH=from-dotenv\nCLAIM_EMPTY_IN_ENV=from-dotenv\nCLAIM_ONLY_DOTENV=dotenv-only\n",
      );
      process.env.CLAIM_FROM_BOTH = "from-environment";
      process.env.CLAIM_EMPTY_IN_ENV = "";
      delete process.env.CLAIM_ONLY_DOTENV;
      const env = readEnvironment(envDir);
      expect(env.CLAIM_FROM_BOTH).toBe("from-environment");
      expect(env.CLAIM_EMPTY_IN_ENV).toBe("from-dotenv");
      expect(env.CLAIM_ONLY_DOTENV).toBe("dotenv-only");
    });
  });

  it.each(["yes", "on", "YES", "On"])("DEBUG=%s in the app's .env selects docker-compose.dev.yml", (value) => {
    const path = join(dir, `debug-${value}`);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, ".env"), `DEBUG=${value}\n`);
    const c = parse(`apps:\n  web:\n    path: ${path}\n`, {});
    expect(composeTarget(c.apps.web!).files).toEqual(["docker-compose.dev.yml"]);
  });

  it.each(["no", "off", "0", ""])("DEBUG=%s in the app's .env keeps docker-compose.prod.yml", (value) => {
    const path = join(dir, `nodebug-${value || "empty"}`);
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, ".env"), `DEBUG=${value}\n`);
    const c = parse(`apps:\n  web:\n    path: ${path}\n`, {});
    expect(composeTarget(c.apps.web!).files).toEqual(["docker-compose.prod.yml"]);
  });

  describe("the CLI's url default", () => {
    it("is --url first", () => {
      const c = parse("url: http://configured:1/\nserver: { host: 10.0.0.1, port: 9 }\n", {});
      expect(serverUrl(c, "http://flag:2/")).toBe("http://flag:2");
    });
    it("then the config's url", () => {
      const c = parse("url: http://configured:1/\nserver: { host: 10.0.0.1, port: 9 }\n", {});
      expect(serverUrl(c)).toBe("http://configured:1");
    });
    it("then server.host/port, with 0.0.0.0 reached at 127.0.0.1", () => {
      expect(serverUrl(parse("server: { host: 10.0.0.1, port: 9 }\n", {}))).toBe("http://10.0.0.1:9");
      expect(serverUrl(parse("server: { host: 0.0.0.0, port: 9001 }\n", {}))).toBe("http://127.0.0.1:9001");
    });
    it("then http://127.0.0.1:8000", () => {
      expect(serverUrl(parse("", {}))).toBe("http://127.0.0.1:8000");
      expect(serverUrl(undefined)).toBe("http://127.0.0.1:8000");
    });
  });
});
