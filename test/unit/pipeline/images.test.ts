import { describe, expect, it } from "vitest";
import { commitTag } from "../../../src/pipeline/images.js";

describe("image names", () => {
  it("tags a commit's image next to the service's own tag", () => {
    const sha = "a".repeat(40);
    expect(commitTag("shop_web", sha)).toBe(`shop_web:deployer-${sha}`);
    expect(commitTag("registry.local:5000/shop:prod", sha)).toBe(`registry.local:5000/shop:deployer-${sha}`);
  });
});
