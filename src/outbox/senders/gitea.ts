import { ReportFailed } from "../../errors.js";
import { request } from "../http.js";
import { description } from "../message.js";
import { apiUrlOf } from "../targets.js";
import type { Send } from "../types.js";
import { commitState } from "./github-status.js";

/** Gitea and Forgejo: POST /repos/{owner}/{repo}/statuses/{sha} (no maintained Node client: plain fetch). */
export const giteaStatus: Send = async ({ app, event, signal }) => {
  if (!app.repo) throw new ReportFailed(`app ${app.name} has no repo (owner/name) to report to`, true);
  const url = `${apiUrlOf(app)}/repos/${app.repo}/statuses/${event.sha}`;
  const body = {
    state: commitState(event),
    context: `deployer/${app.name}`,
    description: description(event),
    ...(event.link ? { target_url: event.link } : {}),
  };
  const headers = { "content-type": "application/json", authorization: `token ${app.report?.token ?? ""}` };
  await request("gitea-status", url, { method: "POST", headers, body: JSON.stringify(body), signal });
  return undefined;
};
