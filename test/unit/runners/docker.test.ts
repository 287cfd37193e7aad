import { describe, expect, it } from "vitest";
import { splitImageRef } from "../../../src/runners/docker.js";

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
