import { describe, expect, it } from "vitest";
import { BadRequestError } from "../../../src/errors.js";
import { detectForge } from "../../../src/forges/detect.js";

describe("detectForge", () => {
  it("picks Forgejo before Gitea before GitHub, since each sends the others' headers", () => {
    const all = { "x-forgejo-event": "push", "x-gitea-event": "push", "x-github-event": "push" };
    expect(detectForge(all).name).toBe("forgejo");
    expect(detectForge({ "x-gitea-event": "push", "x-github-event": "push" }).name).toBe("gitea");
    expect(detectForge({ "x-github-event": "push" }).name).toBe("github");
    expect(detectForge({ "x-gitlab-event": "Push Hook" }).name).toBe("gitlab");
    expect(detectForge({ "x-event-key": "repo:push" }).name).toBe("bitbucket");
  });

  it("refuses headers of no forge with a 400 naming the headers expected", () => {
    const err = (() => {
      try {
        detectForge({ "content-type": "application/json" });
      } catch (e) {
        return e as BadRequestError;
      }
    })();
    expect(err).toBeInstanceOf(BadRequestError);
    for (const h of ["X-GitHub-Event", "X-Gitlab-Event", "X-Gitea-Event", "X-Forgejo-Event", "X-Event-Key"]) {
      expect(err?.message).toContain(h);
    }
  });
});
