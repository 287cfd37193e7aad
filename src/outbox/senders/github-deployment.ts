import { ReportFailed } from "../../errors.js";
import { isSuccess, type ReportEvent } from "../event.js";
import { description } from "../message.js";
import type { Send, SendInput } from "../types.js";
import { github, octokitFor, ownerRepo } from "./github-client.js";

const TARGET = "github-deployment";
type State = "in_progress" | "success" | "failure" | "error" | "inactive";

function deploymentState(e: ReportEvent, event: string): State {
  if (event === "inactive") return "inactive";
  if (e.outcome === "running") return "in_progress";
  if (isSuccess(e.outcome, e)) return e.outcome === "skipped" ? "inactive" : "success";
  if (e.outcome === "failed" || e.outcome === "rolledBack") return "failure";
  return e.outcome === "interrupted" ? "error" : "inactive";
}

async function create({ app, event, signal }: SendInput): Promise<{ remoteId: string }> {
  const octokit = await octokitFor(app, signal);
  const res = await github(TARGET, signal, () =>
    octokit.request("POST /repos/{owner}/{repo}/deployments", {
      ...ownerRepo(app),
      ref: event.sha,
      environment: event.environment,
      auto_merge: false,
      required_contexts: [],
      description: `deployer ${event.deploymentId}`,
      payload: { deployer: { deployment: event.deploymentId } },
    }),
  );
  // 202 means GitHub tried to merge; with auto_merge false a deployment is always created (201).
  if (!("id" in res.data)) throw new ReportFailed(`${TARGET}: no deployment created: ${res.data.message}`, true);
  return { remoteId: String(res.data.id) };
}

/**
 * queued: POST /repos/{owner}/{repo}/deployments; then POST …/deployments/{id}/statuses with
 * in_progress, success, failure, error or inactive (a rolled-back deployment).
 */
export const githubDeployment: Send = async (input) => {
  const { app, event, row, signal } = input;
  if (row.event === "queued") return create(input);
  const id = input.remoteId(row.deploymentId);
  if (!id) throw new ReportFailed(`${TARGET}: the forge deployment was never created`, true);
  const octokit = await octokitFor(app, signal);
  await github(TARGET, signal, () =>
    octokit.request("POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses", {
      ...ownerRepo(app),
      deployment_id: Number(id),
      state: deploymentState(event, row.event),
      description: description(event),
      ...(event.link ? { log_url: event.link } : {}),
      ...(event.environmentUrl ? { environment_url: event.environmentUrl } : {}),
    }),
  );
  return undefined;
};
