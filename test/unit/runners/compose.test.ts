import { describe, expect, it } from "vitest";
import { commitTag } from "../../../src/pipeline/images.js";
import { type ComposeCli, defaultImageName } from "../../../src/runners/compose.js";
import { splitImageRef } from "../../../src/runners/docker.js";

const v1: ComposeCli = { version: "v1", argv: ["docker-compose"] };
const v2: ComposeCli = { version: "v2", argv: ["docker", "compose"] };

describe("image names", () => {
  it("follows each Compose version's naming of built images", () => {
    expect(defaultImageName(v1, "shop", "web")).toBe("shop_web");
    expect(defaultImageName(v2, "shop", "web")).toBe("shop-web");
  });

  it.each([
    ["shop_web", { repository: "shop_web", tag: "latest" }],
    ["shop:1.2", { repository: "shop", tag: "1.2" }],
    ["registry.local:5000/team/shop", { repository: "registry.local:5000/team/shop", tag: "latest" }],
    ["registry.local:5000/team/shop:prod", { repository: "registry.local:5000/team/shop", tag: "prod" }],
    ["shop@sha256:abc", { repository: "shop", tag: "latest" }],
  ])("splits %s", (ref, parts) => {
    expect(splitImageRef(ref)).toEqual(parts);
  });

  it("tags a commit's image next to the service's own tag", () => {
    const sha = "a".repeat(40);
    expect(commitTag("shop_web", sha)).toBe(`shop_web:deployer-${sha}`);
    expect(commitTag("registry.local:5000/shop:prod", sha)).toBe(`registry.local:5000/shop:deployer-${sha}`);
  });
});
