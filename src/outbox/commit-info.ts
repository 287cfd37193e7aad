import type { AppConfig } from "../config/types.js";
import { run } from "../runners/exec.js";
import type { CommitInfo } from "./types.js";

/** Subject and author of a commit from the app's checkout; unknown ones stay null (never an error). */
export async function commitInfo(app: Pick<AppConfig, "path">, sha: string): Promise<CommitInfo> {
  const info: CommitInfo = { sha, short: sha.slice(0, 7), message: null, author: null };
  try {
    const r = await run("git", ["log", "-1", "--format=%an%x00%s", sha, "--"], {
      cwd: app.path,
      step: "report",
      timeoutMs: 10_000,
      quiet: true,
    });
    if (r.exitCode !== 0) return info;
    const [author, message] = r.stdout.trim().split("\0");
    return { ...info, author: author || null, message: message || null };
  } catch {
    return info;
  }
}
