import { describe, expect, it } from "vitest";
import type { ComposeTarget } from "../../../src/config/app-compose.js";
import { DeployerError } from "../../../src/errors.js";
import {
  type ComposeCli,
  ComposeError,
  composeArgv,
  composeCommands,
  defaultImageName,
} from "../../../src/runners/compose.js";

const v1: ComposeCli = { version: "v1", argv: ["docker-compose"] };
const v2: ComposeCli = { version: "v2", argv: ["docker", "compose"] };
const shop: ComposeTarget = { files: ["docker-compose.yml"], project: "shop" };
const two: ComposeTarget = { files: ["compose.yml", "compose.override.yml"], project: "blueshop" };

describe("image names", () => {
  it("follows each Compose version's naming of built images", () => {
    expect(defaultImageName(v1, "shop", "web")).toBe("shop_web");
    expect(defaultImageName(v2, "shop", "web")).toBe("shop-web");
  });
});

describe("compose commands", () => {
  it("puts the cli prefix, the files and the project before the subcommand (v1)", () => {
    expect(composeArgv(v1, shop, ["up", "-d", "--remove-orphans"])).toEqual([
      "docker-compose",
      "-f",
      "docker-compose.yml",
      "-p",
      "shop",
      "up",
      "-d",
      "--remove-orphans",
    ]);
  });

  it("puts the cli prefix, the files and the project before the subcommand (v2)", () => {
    expect(composeArgv(v2, shop, ["up", "-d", "--remove-orphans"])).toEqual([
      "docker",
      "compose",
      "-f",
      "docker-compose.yml",
      "-p",
      "shop",
      "up",
      "-d",
      "--remove-orphans",
    ]);
  });

  it("passes every compose file, in order", () => {
    expect(composeArgv(v2, two, ["config"])).toEqual([
      "docker",
      "compose",
      "-f",
      "compose.yml",
      "-f",
      "compose.override.yml",
      "-p",
      "blueshop",
      "config",
    ]);
  });

  it.each([
    ["v1", v1, ["docker-compose"]],
    ["v2", v2, ["docker", "compose"]],
  ] as const)("builds each command for %s", (_version, cli, prefix) => {
    const project = ["-f", "docker-compose.yml", "-p", "shop"];
    expect(composeCommands.version(cli)).toEqual([...prefix, "version"]);
    expect(composeCommands.config(cli, shop)).toEqual([...prefix, ...project, "config"]);
    expect(composeCommands.build(cli, shop, ["web", "worker"])).toEqual([
      ...prefix,
      ...project,
      "build",
      "web",
      "worker",
    ]);
    expect(composeCommands.build(cli, shop, [])).toEqual([...prefix, ...project, "build"]);
    expect(composeCommands.up(cli, shop)).toEqual([...prefix, ...project, "up", "-d", "--remove-orphans"]);
    expect(composeCommands.containerIds(cli, shop)).toEqual([...prefix, ...project, "ps", "-a", "-q"]);
  });

  it("does not change the cli it is given", () => {
    composeCommands.up(v2, shop);
    expect(v2.argv).toEqual(["docker", "compose"]);
  });
});

describe("ComposeError", () => {
  it("is a DeployerError named ComposeError", () => {
    const err = new ComposeError("compose up failed (exit 1): boom");
    expect(err).toBeInstanceOf(DeployerError);
    expect(err.name).toBe("ComposeError");
    expect(err.message).toBe("compose up failed (exit 1): boom");
  });
});
