import { describe, expect, it } from "vitest";
import { swarmCommands } from "../../../src/runners/swarm-commands.js";

describe("swarm commands", () => {
  it.each([
    [
      "nodeState",
      swarmCommands.nodeState(),
      ["docker", "info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"],
    ],
    ["push", swarmCommands.push("r:5000/shop-web:abc"), ["docker", "push", "r:5000/shop-web:abc"]],
    [
      "deployStack",
      swarmCommands.deployStack(["/data/swarm/shop.yml", "extra.yml"], "shop"),
      [
        "docker",
        "stack",
        "deploy",
        "--with-registry-auth",
        "--prune",
        "-c",
        "/data/swarm/shop.yml",
        "-c",
        "extra.yml",
        "shop",
      ],
    ],
    [
      "stackServiceIds",
      swarmCommands.stackServiceIds("shop"),
      ["docker", "service", "ls", "-q", "--filter", "label=com.docker.stack.namespace=shop"],
    ],
    ["inspectServices", swarmCommands.inspectServices(["s1", "s2"]), ["docker", "service", "inspect", "s1", "s2"]],
    ["stackTaskIds", swarmCommands.stackTaskIds("shop"), ["docker", "stack", "ps", "-q", "--no-trunc", "shop"]],
    ["inspectTasks", swarmCommands.inspectTasks(["t1"]), ["docker", "inspect", "--type", "task", "t1"]],
  ])("%s", (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it("keeps a hostile-looking name one argument (argv, never a shell)", () => {
    expect(swarmCommands.deployStack(["a b;rm -rf /"], "x")).toContain("a b;rm -rf /");
  });
});
