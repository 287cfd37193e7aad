import type { RunOptions } from "./exec.js";
import { run } from "./exec.js";

export type GitOptions = RunOptions & { cwd: string };

// Never prompt for credentials: a deploy must fail, not hang.
const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "true" };

async function git(args: string[], opts: GitOptions): Promise<string> {
  const r = await run("git", args, { ...opts, env: { ...GIT_ENV, ...opts.env } });
  if (r.exitCode !== 0) {
    throw new GitError(`git ${args[0]} failed: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ")}`);
  }
  return r.stdout;
}

export class GitError extends Error {}

/** A name safe to hand to git as a branch: no option-looking or path-escaping forms. */
export function isSafeBranchName(name: string): boolean {
  return /^[A-Za-z0-9._/-]+$/.test(name) && !name.startsWith("-") && !name.includes("..") && !name.endsWith("/");
}

export async function headSha(opts: GitOptions): Promise<string> {
  return (await git(["rev-parse", "--verify", "HEAD^{commit}"], opts)).trim();
}

/** Tracked files with local changes (staged or not). Untracked and ignored files are not listed. */
export async function modifiedTrackedFiles(opts: GitOptions): Promise<string[]> {
  const out = await git(["status", "--porcelain=v1", "-z", "--untracked-files=no"], opts);
  return out
    .split("\0")
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
}

export async function fetchBranch(branch: string, opts: GitOptions): Promise<void> {
  await git(["fetch", "--no-tags", "--prune", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`], opts);
}

export async function fetchCommit(sha: string, opts: GitOptions): Promise<void> {
  await git(["fetch", "--no-tags", "origin", sha], opts);
}

export async function hasCommit(sha: string, opts: GitOptions): Promise<boolean> {
  const r = await run("git", ["cat-file", "-e", `${sha}^{commit}`], opts);
  return r.exitCode === 0;
}

/** Points the local branch at `sha` and updates the work tree; untracked and ignored files stay. */
export async function checkout(branch: string, sha: string, opts: GitOptions): Promise<void> {
  await git(["checkout", "-q", "-B", branch, sha], opts);
}

/** Files that differ between two commits, both sides of a rename included. */
export async function changedFiles(from: string, to: string, opts: GitOptions): Promise<string[]> {
  if (from === to) return [];
  const out = await git(["diff", "--name-only", "--no-renames", "-z", from, to, "--"], opts);
  return out.split("\0").filter(Boolean);
}

export async function remoteHead(branch: string, opts: GitOptions): Promise<string | undefined> {
  const out = await git(["ls-remote", "origin", `refs/heads/${branch}`], opts);
  return out.split(/\s+/)[0] || undefined;
}

/** The branch the checkout is on, if any. */
export async function currentBranch(opts: GitOptions): Promise<string | undefined> {
  const r = await run("git", ["symbolic-ref", "--quiet", "--short", "HEAD"], opts);
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Full commit id for a (possibly abbreviated) hex id known to the checkout. */
export async function resolveCommit(sha: string, opts: GitOptions): Promise<string | undefined> {
  const r = await run("git", ["rev-parse", "--verify", "--quiet", `${sha}^{commit}`], opts);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Whether git tracks `path` in the checkout. */
export async function isTracked(path: string, opts: GitOptions): Promise<boolean> {
  const r = await run("git", ["ls-files", "--error-unmatch", "--", path], { ...opts, quiet: true });
  return r.exitCode === 0;
}
