import { describe, expect, it } from "vitest";
import { dockerArgv, dockerCommands, splitImageRef } from "../../../src/runners/docker.js";

describe("image names", () => {
  it.each([
    ["shop_web", { repository: "shop_web", tag: "latest" }],
    ["shop:1.2", { repository: "shop", tag: "1.2" }],
    ["registry.local:5000/team/shop", { repository: "registry.local:5000/team/shop", tag: "latest" }],
    ["registry.local:5000/team/shop:prod", { repository: "registry.local:5000/team/shop", tag: "prod" }],
    ["shop@sha256:abc", { repository: "shop", tag: "latest" }],
  ])("splits %s", (ref, parts) => {
    expect(splitImageRef(ref)).toEqual(parts);
  });
});

describe("docker commands", () => {
  it("prefixes every command with docker", () => {
    expect(dockerArgv("ps")).toEqual(["docker", "ps"]);
  });

  it.each([
    [
      "imageExists",
      dockerCommands.imageExists("shop-web"),
      ["docker", "image", "inspect", "--format", "{{.Id}}", "shop-web"],
    ],
    [
      "tagImage",
      dockerCommands.tagImage("shop-web", "shop-web:deployer-abc"),
      ["docker", "tag", "shop-web", "shop-web:deployer-abc"],
    ],
    [
      "pullImage",
      dockerCommands.pullImage("127.0.0.1:5000/shop-web:abc"),
      ["docker", "pull", "--quiet", "127.0.0.1:5000/shop-web:abc"],
    ],
    [
      "removeImageTag",
      dockerCommands.removeImageTag("shop-web:deployer-abc"),
      ["docker", "rmi", "--no-prune", "shop-web:deployer-abc"],
    ],
    ["imageTags", dockerCommands.imageTags("shop-web"), ["docker", "images", "--format", "{{.Tag}}", "shop-web"]],
    ["inspectContainers", dockerCommands.inspectContainers(["c1", "c2"]), ["docker", "inspect", "c1", "c2"]],
    ["info", dockerCommands.info(), ["docker", "info", "--format", "{{.ServerVersion}}"]],
  ])("%s", (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });
});

describe("docker build argv", () => {
  it("is what Compose runs for a plain build", () => {
    expect(
      dockerCommands.build("shop_web", {
        context: "/srv/shop/web",
        dockerfile: "Dockerfile.prod",
        args: { A: "1" },
        target: "run",
      }),
    ).toEqual([
      "docker",
      "build",
      "-t",
      "shop_web",
      "-f",
      "/srv/shop/web/Dockerfile.prod",
      "--build-arg",
      "A=1",
      "--target",
      "run",
      "/srv/shop/web",
    ]);
  });
});
