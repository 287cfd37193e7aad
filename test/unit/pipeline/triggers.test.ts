import { describe, expect, it } from "vitest";
import { hasSkipMarker, pathSkipReason } from "../../../src/pipeline/triggers.js";

describe("hasSkipMarker", () => {
  it("finds [skip deploy] and [deploy skip] anywhere in the message, in any case", () => {
    expect(hasSkipMarker("fix typo [skip deploy]")).toBe(true);
    expect(hasSkipMarker("docs\n\n[Deploy Skip]")).toBe(true);
    expect(hasSkipMarker("skip deploy")).toBe(false);
    expect(hasSkipMarker("[skip ci]")).toBe(false);
    expect(hasSkipMarker(undefined)).toBe(false);
  });
});

describe("pathSkipReason", () => {
  it("deploys when no path rule is set", () => {
    expect(pathSkipReason(["README.md"], {})).toBeUndefined();
  });

  it("needs a changed file matching paths", () => {
    const rules = { paths: ["services/api/**", "libs/**"] };
    expect(pathSkipReason(["services/api/main.go"], rules)).toBeUndefined();
    expect(pathSkipReason(["services/web/index.html"], rules)).toMatch(
      /no changed file matches paths services\/api\/\*\*/,
    );
  });

  it("never deploys for ignorePaths alone; a pattern without a slash matches at any depth", () => {
    const rules = { ignorePaths: ["*.md", "docs/**"] };
    expect(pathSkipReason(["README.md", "docs/a/b.txt", "api/NOTES.md"], rules)).toMatch(/ignorePaths/);
    expect(pathSkipReason(["README.md", "api/main.go"], rules)).toBeUndefined();
  });

  it("skips a push that changed nothing since the deployed commit when filters are set", () => {
    expect(pathSkipReason([], { paths: ["**"] })).toMatch(/no file changed/);
  });
});
