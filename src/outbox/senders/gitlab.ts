import { ReportFailed } from "../../errors.js";
import { isSuccess, type ReportEvent } from "../event.js";
import { request } from "../http.js";
import { description } from "../message.js";
import { apiUrlOf } from "../targets.js";
import type { Send, SendInput } from "../types.js";

// GitLab has no maintained Node client that covers statuses and deployments well: plain fetch,
// per https://docs.gitlab.com/api/commits/#set-the-pipeline-status-of-a-commit and /api/deployments/.

type Status = "pending" | "running" | "success" | "failed" | "canceled";

function gitlabState(e: ReportEvent): Status {
  if (e.outcome === "queued") return "pending";
  if (e.outcome === "running") return "running";
  if (isSuccess(e.outcome, e)) return "success";
  return e.outcome === "cancelled" || e.outcome === "superseded" ? "canceled" : "failed";
}

function call(input: SendInput, target: string, method: string, path: string, body: unknown) {
  const { app, signal } = input;
  if (!app.repo) throw new ReportFailed(`app ${app.name} has no repo (namespace/project) to report to`, true);
  const url = `${apiUrlOf(app)}/projects/${encodeURIComponent(app.repo)}${path}`;
  const headers = { "content-type": "application/json", "private-token": app.report?.token ?? "" };
  return request(target, url, { method, headers, body: JSON.stringify(body), signal });
}

/** POST /projects/:id/statuses/:sha with name deployer/<app>. */
export const gitlabStatus: Send = async (input) => {
  const { app, event } = input;
  await call(input, "gitlab-status", "POST", `/statuses/${event.sha}`, {
    state: gitlabState(event),
    name: `deployer/${app.name}`,
    description: description(event),
    ...(event.link ? { target_url: event.link } : {}),
  });
  return undefined;
};

/** queued: POST /projects/:id/deployments (status created); then PUT /projects/:id/deployments/:id. */
export const gitlabDeployment: Send = async (input) => {
  const { event, row } = input;
  const tag = event.ref?.startsWith("refs/tags/") ?? false;
  if (row.event === "queued") {
    const ref = event.branch ?? event.ref?.replace(/^refs\/(heads|tags)\//, "") ?? event.sha;
    const created = (await call(input, "gitlab-deployment", "POST", "/deployments", {
      environment: event.environment,
      sha: event.sha,
      ref,
      tag,
      status: "created",
    })) as { id?: number } | undefined;
    if (typeof created?.id !== "number") throw new ReportFailed("gitlab-deployment: no deployment id in the answer");
    return { remoteId: String(created.id) };
  }
  const id = input.remoteId(row.deploymentId);
  if (!id) throw new ReportFailed("gitlab-deployment: the forge deployment was never created", true);
  await call(input, "gitlab-deployment", "PUT", `/deployments/${id}`, { status: gitlabState(event) });
  return undefined;
};
