import { isSuccess, type ReportEvent } from "../event.js";
import { description } from "../message.js";
import type { Send } from "../types.js";
import { github, octokitFor, ownerRepo } from "./github-client.js";

type State = "pending" | "success" | "failure" | "error";

/** The commit status state of an outcome (GitHub and Gitea share these). */
export function commitState(e: ReportEvent): State {
  if (e.outcome === "queued" || e.outcome === "running") return "pending";
  if (isSuccess(e.outcome, e)) return "success";
  return e.outcome === "failed" || e.outcome === "rolledBack" ? "failure" : "error";
}

/** POST /repos/{owner}/{repo}/statuses/{sha}, context deployer/<app>. */
export const githubStatus: Send = async ({ app, event, signal }) => {
  const octokit = await octokitFor(app, signal);
  await github("github-status", signal, () =>
    octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      ...ownerRepo(app),
      sha: event.sha,
      state: commitState(event),
      context: `deployer/${app.name}`,
      description: description(event),
      ...(event.link ? { target_url: event.link } : {}),
    }),
  );
  return undefined;
};
