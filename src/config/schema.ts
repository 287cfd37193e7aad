import { z } from "zod";

// Node timers overflow past 2^31-1 ms (about 24.8 days) and would fire at once.
const MAX_SECONDS = 2_147_483;

// Seconds; defaults follow what builds and health checks need in practice.
export const timeoutsSchema = z
  .object({
    git: z.coerce.number().positive().max(MAX_SECONDS).default(120),
    build: z.coerce.number().positive().max(MAX_SECONDS).default(1800),
    up: z.coerce.number().positive().max(MAX_SECONDS).default(600),
    health: z.coerce.number().positive().max(MAX_SECONDS).default(120),
    hooks: z.coerce.number().positive().max(MAX_SECONDS).default(600),
  })
  .strict();

const argv = z.array(z.string().min(1)).min(1);
const globs = z.array(z.string().min(1)).min(1);

/** The forges deployer takes pushes from; `github` is the default. */
export const FORGES = ["github", "gitlab", "gitea", "forgejo", "bitbucket"] as const;
export type ForgeName = (typeof FORGES)[number];

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

export const appSchema = z
  .object({
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name")
      .optional(),
    path: z.string().min(1),
    branch: z.string().min(1).optional(),
    /** Follow tags matching this glob instead of a branch. */
    tags: z.string().min(1).optional(),
    forge: z.enum(FORGES).default("github"),
    /** This app's webhook secret; falls back to the global `secret`/`secrets`. */
    secret: z.string().min(1).optional(),
    /** Several accepted secrets, for rotation: `[new, old]`. */
    secrets: z.array(z.string().min(1)).min(1).optional(),
    /** Deploy only if a changed file matches one of these globs. */
    paths: globs.optional(),
    /** Changed files matching these never cause a deploy on their own. */
    ignorePaths: globs.optional(),
    /** Deployments wait as `waiting` until a person approves them. */
    approve: z.boolean().default(false),
    composeFiles: z.array(z.string().min(1)).min(1).optional(),
    project: z.string().min(1).optional(),
    rebuildOn: z.array(z.string().min(1)).optional(),
    timeouts: timeoutsSchema.default(timeoutsSchema.parse({})),
    healthcheck: z
      .object({
        url: z.url(),
        expect: z.coerce.number().int().min(100).max(599).default(200),
        timeout: z.coerce.number().positive().max(MAX_SECONDS).default(60),
      })
      .strict()
      .optional(),
    hooks: z
      .object({
        preDeploy: z.array(argv).default([]),
        postDeploy: z.array(argv).default([]),
      })
      .strict()
      .default({ preDeploy: [], postDeploy: [] }),
    zeroDowntime: zeroDowntimeSchema.optional(),
  })
  .strict()
  .refine((a) => !(a.branch && a.tags), {
    message: "branch and tags are mutually exclusive: an app follows either a branch or tags",
    path: ["tags"],
  });

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default("0.0.0.0"),
        port: z.coerce.number().int().min(0).max(65535).default(8000),
      })
      .strict()
      .default({ host: "0.0.0.0", port: 8000 }),
    /** Base URL the CLI uses to reach a running server; default from server.host/port. */
    url: z.url().optional(),
    dataDir: z.string().min(1).default("./data"),
    logFile: z.string().min(1).nullable().default("./webhook_server.log"),
    /** Lowest level logged; at `info` (default) pushes that deploy nothing write no line. */
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace"]).default("info"),
    secret: z.string().min(1).optional(),
    /** Several accepted webhook secrets, for rotation: `[new, old]`. */
    secrets: z.array(z.string().min(1)).min(1).optional(),
    apiToken: z.string().min(1).optional(),
    ignore: z.array(z.string()).default(["deployer"]),
    concurrency: z.coerce.number().int().min(1).max(64).default(2),
    history: z.coerce.number().int().min(1).default(200),
    keepImages: z.coerce.number().int().min(1).default(5),
    compose: z.enum(["auto", "v1", "v2"]).default("auto"),
    apps: z.record(z.string().regex(/^[A-Za-z0-9][\w.-]*$/, "app names use letters, digits, . _ -"), appSchema),
  })
  .strict();

export type RawConfig = z.infer<typeof configSchema>;
export type AppSchema = z.infer<typeof appSchema>;
export type Timeouts = z.infer<typeof timeoutsSchema>;
export type ZeroDowntime = z.infer<typeof zeroDowntimeSchema>;
export type NginxProxyConfig = z.infer<typeof nginxSchema>;
export type CaddyProxyConfig = z.infer<typeof caddySchema>;
