import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DeployerError } from "../../../src/errors.js";
import {
  fetchBranch,
  GitError,
  gitArgv,
  gitCommands,
  isSafeBranchName,
  withoutCredentials,
} from "../../../src/runners/git.js";

import { uniqueDir } from "../../helpers/names.js";

const sha = "a".repeat(40);

describe("git commands", () => {
  it("prefixes every command with git", () => {
    expect(gitArgv("status")).toEqual(["git", "status"]);
  });

  it.each([
    ["headSha", gitCommands.headSha(), ["git", "rev-parse", "--verify", "HEAD^{commit}"]],
    [
      "modifiedTrackedFiles",
      gitCommands.modifiedTrackedFiles(),
      ["git", "status", "--porcelain=v1", "-z", "--untracked-files=no"],
    ],
    [
      "fetchBranch",
      gitCommands.fetchBranch("main"),
      ["git", "fetch", "--no-tags", "--prune", "origin", "+refs/heads/main:refs/remotes/origin/main"],
    ],
    ["fetchCommit", gitCommands.fetchCommit(sha), ["git", "fetch", "--no-tags", "origin", sha]],
    ["hasCommit", gitCommands.hasCommit(sha), ["git", "cat-file", "-e", `${sha}^{commit}`]],
    ["checkout", gitCommands.checkout("main", sha), ["git", "checkout", "-q", "-B", "main", sha]],
    [
      "changedFiles",
      gitCommands.changedFiles("abc", "def"),
      ["git", "diff", "--name-only", "--no-renames", "-z", "abc", "def", "--"],
    ],
    ["remoteHead", gitCommands.remoteHead("release/1.x"), ["git", "ls-remote", "origin", "refs/heads/release/1.x"]],
    ["currentBranch", gitCommands.currentBranch(), ["git", "symbolic-ref", "--quiet", "--short", "HEAD"]],
    [
      "resolveCommit",
      gitCommands.resolveCommit("abc123"),
      ["git", "rev-parse", "--verify", "--quiet", "abc123^{commit}"],
    ],
    [
      "isTracked",
      gitCommands.isTracked("REBUILD_TRIGGER"),
      ["git", "ls-files", "--error-unmatch", "--", "REBUILD_TRIGGER"],
    ],
  ])("%s", (_name, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it("keeps a path that looks like an option after --", () => {
    expect(gitCommands.isTracked("-rf").slice(-2)).toEqual(["--", "-rf"]);
  });
});

describe("isSafeBranchName", () => {
  it.each([
    ["main", true],
    ["release/1.x", true],
    ["feature_a-b.c", true],
    ["-main", false],
    ["a..b", false],
    ["a/", false],
    ["a b", false],
    ["", false],
  ])("%j → %s", (name, ok) => {
    expect(isSafeBranchName(name)).toBe(ok);
  });
});

describe("GitError", () => {
  it("is a DeployerError named GitError", () => {
    const err = new GitError("git fetch failed: nope");
    expect(err).toBeInstanceOf(DeployerError);
    expect(err.name).toBe("GitError");
    expect(err.message).toBe("git fetch failed: nope");
  });
});

describe("withoutCredentials", () => {
  it("drops the user and password from URLs in git's messages", () => {
    expect(
      withoutCredentials(
        "fatal: unable to access 'https://bot:s3cret@git.example.com/acme/shop.git/': Could not resolve",
      ),
    ).toBe("fatal: unable to access 'https://git.example.com/acme/shop.git/': Could not resolve");
    expect(withoutCredentials("ssh://git@host/x and /srv/a@b")).toBe("ssh://host/x and /srv/a@b");
  });
});

describe("git never prompts for credentials", () => {
  it("runs every git command with GIT_TERMINAL_PROMPT=0 and a no-op askpass", async () => {
    // A stand-in `git` first on PATH records the environment it was given.
    const dir = uniqueDir("git-env");
    try {
      writeFileSync(join(dir, "git"), `#!/bin/sh\nenv > "${dir}/env.txt"\necho ${sha}\n`, { mode: 0o755 });
      const got = await fetchBranch("main", {
        cwd: dir,
        step: "sync",
        timeoutMs: 60_000,
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      expect(got).toBeUndefined();
      const env = readFileSync(join(dir, "env.txt"), "utf8").split("\n");
      expect(env).toContain("GIT_TERMINAL_PROMPT=0");
      expect(env).toContain("GIT_ASKPASS=true");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
