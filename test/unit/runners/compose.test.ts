import { describe, expect, it } from "vitest";
import { type ComposeCli, defaultImageName } from "../../../src/runners/compose.js";

const v1: ComposeCli = { version: "v1", argv: ["docker-compose"] };
const v2: ComposeCli = { version: "v2", argv: ["docker", "compose"] };

describe("image names", () => {
  it("follows each Compose version's naming of built images", () => {
    expect(defaultImageName(v1, "shop", "web")).toBe("shop_web");
    expect(defaultImageName(v2, "shop", "web")).toBe("shop-web");
  });
});
