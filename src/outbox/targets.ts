import type { AppConfig } from "../config/types.js";

/** The kinds of report a forge takes; Forgejo shares Gitea's API. */
export type ForgeReport = "github" | "gitlab" | "gitea" | "bitbucket";

export function forgeReportOf(app: Pick<AppConfig, "forge">): ForgeReport {
  return app.forge === "forgejo" ? "gitea" : app.forge;
}

export const statusTarget = (app: Pick<AppConfig, "forge">) => `${forgeReportOf(app)}-status`;

/** The forge deployment target, where the forge has a deployments API and the app asks for it. */
export function deploymentTarget(app: Pick<AppConfig, "forge" | "report">): string | undefined {
  const forge = forgeReportOf(app);
  if (!app.report?.deployments || (forge !== "github" && forge !== "gitlab")) return undefined;
  return `${forge}-deployment`;
}

export const notifyTarget = (index: number, type: string) => `notify:${index}:${type}`;

/** The notification a target names: its index in the app's `notify` list. */
export function notifyIndex(target: string): number | undefined {
  const m = /^notify:(\d+):/.exec(target);
  return m ? Number(m[1]) : undefined;
}

/** Each forge's API base when `report.apiUrl` is not set. */
export const DEFAULT_API_URLS: Record<AppConfig["forge"], string> = {
  github: "https://api.github.com",
  gitlab: "https://gitlab.com/api/v4",
  gitea: "https://gitea.com/api/v1",
  forgejo: "https://codeberg.org/api/v1",
  bitbucket: "https://api.bitbucket.org",
};

export const apiUrlOf = (app: AppConfig) => (app.report?.apiUrl ?? DEFAULT_API_URLS[app.forge]).replace(/\/+$/, "");
