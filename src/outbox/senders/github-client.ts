import type { Octokit } from "@octokit/core";
import type { AppConfig } from "../../config/types.js";
import { ReportFailed } from "../../errors.js";
import { isRetryable } from "../http.js";
import { apiUrlOf } from "../targets.js";

/**
 * An Octokit for the app's GitHub (or GitHub Enterprise) API, with the report token. Loaded on the first
 * report, so a server that reports nothing never pays its memory.
 */
export async function octokitFor(app: AppConfig, signal: AbortSignal): Promise<Octokit> {
  const { Octokit } = await import("@octokit/core");
  return new Octokit({ auth: app.report?.token, baseUrl: apiUrlOf(app), request: { signal } });
}

export function ownerRepo(app: AppConfig): { owner: string; repo: string } {
  const [owner, repo] = (app.repo ?? "").split("/");
  if (!owner || !repo) throw new ReportFailed(`app ${app.name} has no repo (owner/name) to report to`, true);
  return { owner, repo };
}

/** Octokit's errors as ReportFailed: the status and GitHub's message, never the request (its token). */
export async function github<T>(target: string, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const e = err as { status?: number; message?: string };
    if (signal.aborted) throw new ReportFailed(`${target}: timed out`);
    if (typeof e.status === "number" && e.status > 0) {
      const message = (e.message ?? "").split(" - ")[0]?.slice(0, 200);
      throw new ReportFailed(`${target}: HTTP ${e.status} ${message}`, !isRetryable(e.status));
    }
    throw new ReportFailed(`${target}: ${e.message ?? String(err)}`);
  }
}
