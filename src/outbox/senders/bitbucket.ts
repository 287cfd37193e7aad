import { ReportFailed } from "../../errors.js";
import { isSuccess, type ReportEvent } from "../event.js";
import { request } from "../http.js";
import { description } from "../message.js";
import { apiUrlOf } from "../targets.js";
import type { Send } from "../types.js";

type State = "INPROGRESS" | "SUCCESSFUL" | "FAILED" | "STOPPED";

function bitbucketState(e: ReportEvent): State {
  if (e.outcome === "queued" || e.outcome === "running") return "INPROGRESS";
  if (isSuccess(e.outcome, e)) return "SUCCESSFUL";
  return e.outcome === "cancelled" || e.outcome === "superseded" ? "STOPPED" : "FAILED";
}

/**
 * Bitbucket Cloud: POST /2.0/repositories/{workspace}/{repo}/commit/{sha}/statuses/build, key deployer/<app>
 * (a repeated key updates the status). Plain fetch: Atlassian ships no maintained Node client for it.
 */
export const bitbucketStatus: Send = async ({ app, event, signal }) => {
  if (!app.repo) throw new ReportFailed(`app ${app.name} has no repo (workspace/name) to report to`, true);
  const url = `${apiUrlOf(app)}/2.0/repositories/${app.repo}/commit/${event.sha}/statuses/build`;
  const body = {
    key: `deployer/${app.name}`,
    name: `deployer/${app.name}`,
    state: bitbucketState(event),
    description: description(event),
    // Bitbucket requires a URL: the dashboard's page, else the app.
    url: event.link ?? event.environmentUrl ?? `https://bitbucket.org/${app.repo}`,
  };
  const headers = { "content-type": "application/json", authorization: `Bearer ${app.report?.token ?? ""}` };
  await request("bitbucket-status", url, { method: "POST", headers, body: JSON.stringify(body), signal });
  return undefined;
};
