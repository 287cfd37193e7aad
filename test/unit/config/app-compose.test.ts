import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeTarget, sanitiseProjectName } from "../../../src/config/app-compose.js";
import { parseConfig } from "../../../src/config/load.js";

describe("composeTarget", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "deployer-compose-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const appWith = (name: string, env: string | null, extra = "") => {
    const path = join(dir, name);
    mkdirSync(path, { recursive: true });
    if (env !== null) writeFileSync(join(path, ".env"), env);
    const c = parseConfig(`apps:\n  ${name}:\n    path: ${path}\n${extra}`, join(dir, "deployer.yml"), {
      env: {},
      checkPaths: false,
    });
    return c.apps[name]!;
  };

  it("uses docker-compose.prod.yml and the app name without a .env", () => {
    expect(composeTarget(appWith("plain", null))).toEqual({ files: ["docker-compose.prod.yml"], project: "plain" });
  });

  it("uses docker-compose.dev.yml when DEBUG=true", () => {
    expect(composeTarget(appWith("dbg", "DEBUG=true\n")).files).toEqual(["docker-compose.dev.yml"]);
  });

  it("accepts DEBUG=True / 1 as true and anything else as false", () => {
    expect(composeTarget(appWith("dbg2", "DEBUG=True\n")).files).toEqual(["docker-compose.dev.yml"]);
    expect(composeTarget(appWith("dbg3", "DEBUG=1\n")).files).toEqual(["docker-compose.dev.yml"]);
    expect(composeTarget(appWith("nodbg", "DEBUG=false\n")).files).toEqual(["docker-compose.prod.yml"]);
  });

  it("prefixes the project with COLOR", () => {
    expect(composeTarget(appWith("shop", "COLOR=blue\n")).project).toBe("blueshop");
  });

  it("lowercases and sanitises the COLOR-prefixed project name", () => {
    expect(composeTarget(appWith("Shop.v2", "COLOR=Green \n")).project).toBe("greenshopv2");
  });

  it("prefers configured composeFiles and project over the .env", () => {
    const app = appWith(
      "cfg",
      "DEBUG=true\nCOLOR=red\n",
      "    composeFiles: [compose.yml, compose.override.yml]\n    project: My_Project\n",
    );
    expect(composeTarget(app)).toEqual({ files: ["compose.yml", "compose.override.yml"], project: "my_project" });
  });
});

describe("sanitiseProjectName", () => {
  it.each([
    ["shop", "shop"],
    ["Shop", "shop"],
    ["blue-Shop_2", "blue-shop_2"],
    ["my shop!", "myshop"],
    ["shop.v2", "shopv2"],
    ["__shop", "shop"],
    ["-shop", "shop"],
    ["!!!", "app"],
    ["", "app"],
  ])("%j → %j", (input, out) => {
    expect(sanitiseProjectName(input)).toBe(out);
  });

  it("always yields what Compose accepts", () => {
    for (const s of ["ÄÖÜ", "_-_", "x/../y", "a b c", "🙂shop"]) {
      expect(sanitiseProjectName(s)).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    }
  });
});
