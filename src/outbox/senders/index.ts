import type { Send } from "../types.js";
import { bitbucketStatus } from "./bitbucket.js";
import { discord } from "./discord.js";
import { giteaStatus } from "./gitea.js";
import { githubDeployment } from "./github-deployment.js";
import { githubStatus } from "./github-status.js";
import { gitlabDeployment, gitlabStatus } from "./gitlab.js";
import { ntfy } from "./ntfy.js";
import { slack } from "./slack.js";
import { webhook } from "./webhook.js";

const FORGE: Record<string, Send> = {
  "github-status": githubStatus,
  "github-deployment": githubDeployment,
  "gitlab-status": gitlabStatus,
  "gitlab-deployment": gitlabDeployment,
  "gitea-status": giteaStatus,
  "bitbucket-status": bitbucketStatus,
};

const NOTIFY: Record<string, Send> = { webhook, slack, discord, ntfy };

/** The sender of a target name (see targets.ts). */
export function senderFor(target: string): Send | undefined {
  if (target.startsWith("notify:")) return NOTIFY[target.slice(target.lastIndexOf(":") + 1)];
  return FORGE[target];
}
