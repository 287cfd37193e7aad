import { describe, expect, it } from "vitest";
import { MIN_TOKEN_LENGTH, weakTokenWarnings } from "../../../../src/cli/commands/check.js";

describe("check's API token warning", () => {
  it("warns about a token shorter than 32 characters, and only then", () => {
    expect(MIN_TOKEN_LENGTH).toBe(32);
    expect(weakTokenWarnings("short-token", "/etc/deployer.yml")).toEqual([
      expect.stringMatching(/^warning: \/etc\/deployer.yml: apiToken: the API token is 11 characters; use at least 32/),
    ]);
    expect(weakTokenWarnings("x".repeat(32), "f")).toEqual([]);
    expect(weakTokenWarnings(undefined, "f")).toEqual([]);
  });
});
