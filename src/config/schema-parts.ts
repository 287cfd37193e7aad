import { z } from "zod";

// The per-app blocks of the config schema that stand on their own: zero-downtime deploys through a
// proxy, and reporting back to the forge and the team.

const argv = z.array(z.string().min(1)).min(1);

/** host:port on which a proxy serves the app, e.g. 127.0.0.1:8080 or [::1]:8080. */
const listenAddress = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "must be host:port");

const nginxSchema = z
  .object({
    confDir: z.string().min(1),
    reload: argv.default(["nginx", "-s", "reload"]),
    /** Validates the configuration before a reload; by default the reload argv with `-s reload` replaced by `-t`. */
    test: argv.optional(),
    listen: listenAddress.optional(),
  })
  .strict();

const caddySchema = z
  .object({
    admin: z.url().default("http://127.0.0.1:2019"),
    listen: listenAddress,
  })
  .strict();

export const zeroDowntimeSchema = z
  .object({
    service: z.string().min(1),
    port: z.coerce.number().int().min(1).max(65535),
    drain: z.coerce.number().min(0).max(3600).default(5),
    proxy: z.union([z.object({ nginx: nginxSchema }).strict(), z.object({ caddy: caddySchema }).strict()], {
      error: "needs exactly one of nginx or caddy",
    }),
  })
  .strict();

/** What a notification can be sent for (`on`); the final outcomes by default. */
export const NOTIFY_EVENTS = ["queued", "running", "succeeded", "failed", "rolledBack", "cancelled"] as const;

/** Commit statuses (and forge deployments) on the app's forge. */
export const reportSchema = z
  .object({
    token: z.string().min(1),
    /** The forge's API base; default per forge (api.github.com, gitlab.com/api/v4, …). */
    apiUrl: z.url().optional(),
    /** Default: the app name. */
    environment: z.string().min(1).optional(),
    /** Also use the forge's deployments API (GitHub, GitLab). */
    deployments: z.boolean().default(false),
    /** The environment's URL on a forge deployment; default the healthcheck URL. */
    url: z.url().optional(),
  })
  .strict();

export const notifySchema = z
  .object({
    type: z.enum(["webhook", "slack", "discord", "ntfy"]),
    url: z.url(),
    /** HMAC key of `X-Deployer-Signature-256` (webhook only). */
    secret: z.string().min(1).optional(),
    on: z.array(z.enum(NOTIFY_EVENTS)).min(1).default(["succeeded", "failed", "rolledBack", "cancelled"]),
  })
  .strict();

export type ZeroDowntime = z.infer<typeof zeroDowntimeSchema>;
export type NginxProxyConfig = z.infer<typeof nginxSchema>;
export type CaddyProxyConfig = z.infer<typeof caddySchema>;
export type ReportConfig = z.infer<typeof reportSchema>;
export type NotifyConfig = z.infer<typeof notifySchema>;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];
