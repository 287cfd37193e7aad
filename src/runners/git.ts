import { DeployerError } from "../errors.js";
import type { Argv, RunOptions } from "./exec.js";
import { runArgv } from "./exec.js";

export type GitOptions = RunOptions & { cwd: string };

// Never prompt for credentials: a deploy must fail, not hang.
const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "true" };

/** `git` followed by `args`. */
export function gitArgv(...args: string[]): Argv {
  return ["git", ...args];
}

/**
 * The argv of every git command deployer runs, as pure functions (no I/O):
 * the async functions below run exactly these.
 */
export const gitCommands = {
  headSha: (): Argv => gitArgv("rev-parse", "--verify", "HEAD^{commit}"),
  modifiedTrackedFiles: (): Argv => gitArgv("status", "--porcelain=v1", "-z", "--untracked-files=no"),
  fetchBranch: (branch: string): Argv =>
    gitArgv("fetch", "--no-tags", "--prune", "origin", `+refs/heads/${branch}:refs/remotes/origin/${branch}`),
  fetchTag: (tag: string): Argv => gitArgv("fetch", "--no-tags", "origin", `+refs/tags/${tag}:refs/tags/${tag}`),
  fetchTags: (): Argv => gitArgv("fetch", "--no-tags", "origin", "+refs/tags/*:refs/tags/*"),
  commitMessage: (sha: string): Argv => gitArgv("log", "-1", "--format=%B", `${sha}^{commit}`, "--"),
  fetchCommit: (sha: string): Argv => gitArgv("fetch", "--no-tags", "origin", sha),
  hasCommit: (sha: string): Argv => gitArgv("cat-file", "-e", `${sha}^{commit}`),
  checkout: (branch: string, sha: string): Argv => gitArgv("checkout", "-q", "-B", branch, sha),
  changedFiles: (from: string, to: string): Argv =>
    gitArgv("diff", "--name-only", "--no-renames", "-z", from, to, "--"),
  remoteHead: (branch: string): Argv => gitArgv("ls-remote", "origin", `refs/heads/${branch}`),
  currentBranch: (): Argv => gitArgv("symbolic-ref", "--quiet", "--short", "HEAD"),
  resolveCommit: (sha: string): Argv => gitArgv("rev-parse", "--verify", "--quiet", `${sha}^{commit}`),
  isTracked: (path: string): Argv => gitArgv("ls-files", "--error-unmatch", "--", path),
  isAncestor: (ancestor: string, of: string): Argv => gitArgv("merge-base", "--is-ancestor", ancestor, of),
  remoteTrackingSha: (branch: string): Argv =>
    gitArgv("rev-parse", "--verify", "--quiet", `refs/remotes/origin/${branch}^{commit}`),
  resetHard: (sha: string): Argv => gitArgv("reset", "-q", "--hard", sha),
};

/** Runs a git command that must succeed; throws GitError with the end of its output otherwise. */
async function git(argv: Argv, opts: GitOptions): Promise<string> {
  const r = await runArgv(argv, { ...opts, env: { ...GIT_ENV, ...opts.env } });
  if (r.exitCode !== 0) {
    const tail = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ");
    throw new GitError(`git ${argv[1]} failed: ${withoutCredentials(tail)}`);
  }
  return r.stdout;
}

/** Git may quote a remote URL with its user and password; those never go into a message. */
export function withoutCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, "$1");
}

export class GitError extends DeployerError {}

/** A name safe to hand to git as a branch: no option-looking or path-escaping forms. */
export function isSafeBranchName(name: string): boolean {
  return /^[A-Za-z0-9._/-]+$/.test(name) && !name.startsWith("-") && !name.includes("..") && !name.endsWith("/");
}

export async function headSha(opts: GitOptions): Promise<string> {
  return (await git(gitCommands.headSha(), opts)).trim();
}

/** Tracked files with local changes (staged or not). Untracked and ignored files are not listed. */
export async function modifiedTrackedFiles(opts: GitOptions): Promise<string[]> {
  const out = await git(gitCommands.modifiedTrackedFiles(), opts);
  return out
    .split("\0")
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
}

export async function fetchBranch(branch: string, opts: GitOptions): Promise<void> {
  await git(gitCommands.fetchBranch(branch), opts);
}

/** Fetches one tag, moved or not: a tag that was moved on origin is moved here too. */
export async function fetchTag(tag: string, opts: GitOptions): Promise<void> {
  await git(gitCommands.fetchTag(tag), opts);
}

export async function fetchTags(opts: GitOptions): Promise<void> {
  await git(gitCommands.fetchTags(), opts);
}

/** The full message of a commit (or of the commit a tag points to). */
export async function commitMessage(sha: string, opts: GitOptions): Promise<string> {
  return git(gitCommands.commitMessage(sha), opts);
}

export async function fetchCommit(sha: string, opts: GitOptions): Promise<void> {
  await git(gitCommands.fetchCommit(sha), opts);
}

export async function hasCommit(sha: string, opts: GitOptions): Promise<boolean> {
  const r = await runArgv(gitCommands.hasCommit(sha), opts);
  return r.exitCode === 0;
}

/** Points the local branch at `sha` and updates the work tree; untracked and ignored files stay. */
export async function checkout(branch: string, sha: string, opts: GitOptions): Promise<void> {
  await git(gitCommands.checkout(branch, sha), opts);
}

/** Files that differ between two commits, both sides of a rename included. */
export async function changedFiles(from: string, to: string, opts: GitOptions): Promise<string[]> {
  if (from === to) return [];
  const out = await git(gitCommands.changedFiles(from, to), opts);
  return out.split("\0").filter(Boolean);
}

export async function remoteHead(branch: string, opts: GitOptions): Promise<string | undefined> {
  const out = await git(gitCommands.remoteHead(branch), opts);
  return out.split(/\s+/)[0] || undefined;
}

/** The branch the checkout is on, if any. */
export async function currentBranch(opts: GitOptions): Promise<string | undefined> {
  const r = await runArgv(gitCommands.currentBranch(), opts);
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Full commit id for a (possibly abbreviated) hex id known to the checkout. */
export async function resolveCommit(sha: string, opts: GitOptions): Promise<string | undefined> {
  const r = await runArgv(gitCommands.resolveCommit(sha), opts);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** Whether git tracks `path` in the checkout. */
export async function isTracked(path: string, opts: GitOptions): Promise<boolean> {
  const r = await runArgv(gitCommands.isTracked(path), { ...opts, quiet: true });
  return r.exitCode === 0;
}

/** Whether `ancestor` is `of` or one of its ancestors. A commit unknown to the checkout is not. */
export async function isAncestor(ancestor: string, of: string, opts: GitOptions): Promise<boolean> {
  const r = await runArgv(gitCommands.isAncestor(ancestor, of), { ...opts, quiet: true });
  if (r.exitCode === 0) return true;
  if (r.exitCode === 1) return false;
  throw new GitError(`git merge-base failed: ${withoutCredentials(r.stderr.trim().split("\n").slice(-1).join(""))}`);
}

/** Where the last fetch left `origin/<branch>`, if it has been fetched. */
export async function remoteTrackingSha(branch: string, opts: GitOptions): Promise<string | undefined> {
  const r = await runArgv(gitCommands.remoteTrackingSha(branch), { ...opts, quiet: true });
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** Resets the checked-out branch and the work tree to `sha` (used only by recovery, on deployer's branch). */
export async function resetHard(sha: string, opts: GitOptions): Promise<void> {
  await git(gitCommands.resetHard(sha), opts);
}
