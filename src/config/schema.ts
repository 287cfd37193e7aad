import { z } from "zod";
import { notifySchema, reportSchema, zeroDowntimeSchema } from "./schema-parts.js";
import { registrySchema, STRATEGIES, strategyProblems } from "./strategy-rules.js";

export { NOTIFY_EVENTS, notifySchema, reportSchema, zeroDowntimeSchema } from "./schema-parts.js";
export { STRATEGIES, type StrategyName } from "./strategy-rules.js";

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

/** `${NAME}` placeholders a health URL may keep until deploy time (the host's variables). */
const HOST_VAR = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;
const healthUrl = z.string().refine((u) => URL.canParse(u.replace(HOST_VAR, "1")), "must be a URL");

const name = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, "names use letters, digits, . _ -");

/** One Docker engine an app runs on: DOCKER_HOST syntax, or a docker context; neither is the local engine. */
export const hostSchema = z
  .object({
    name,
    docker: z
      .string()
      .regex(/^(unix|ssh|tcp):\/\/[^\s]+$/, "must be DOCKER_HOST syntax: unix://, ssh:// or tcp://")
      .optional(),
    context: name.optional(),
    /** Extra variables for Compose (and the health URL) on this host. */
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a variable name"), z.coerce.string())
      .default({}),
  })
  .strict()
  .refine((h) => !(h.docker && h.context), { message: "docker and context are mutually exclusive", path: ["context"] });

export const rolloutSchema = z
  .object({
    batch: z.coerce.number().int().min(1).default(1),
    stopOnFailure: z.literal(true, { error: "only stopOnFailure: true is supported" }).default(true),
  })
  .strict();

/** Each `${NAME}` a multi-host app's health URL kept must be defined on every host. */
function healthVarProblems(url: string | undefined, hosts: z.infer<typeof hostSchema>[] | undefined): string[] {
  if (!url || !hosts) return [];
  const names = [...url.matchAll(HOST_VAR)].map((m) => m[0].slice(2, -1));
  return names.flatMap((n) =>
    n === "HOST" || n === "HOST_NAME"
      ? []
      : hosts.filter((h) => !(n in h.env)).map((h) => `\${${n}} is not in host ${h.name}'s env`),
  );
}

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
        url: healthUrl,
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
    /** How a release replaces the running version; default: zeroDowntime with that block, else recreate. */
    strategy: z.enum(STRATEGIES).optional(),
    /**
     * Where built images are pushed (host[:port][/namespace]): `strategy: swarm`'s nodes pull from it;
     * otherwise the build runs once and each of the app's hosts pulls.
     */
    registry: registrySchema.optional(),
    /** The Docker engines the app runs on, updated host by host; default: the local engine alone. */
    hosts: z
      .array(hostSchema)
      .min(1)
      .refine((hs) => new Set(hs.map((h) => h.name)).size === hs.length, "host names must be unique")
      .optional(),
    rollout: rolloutSchema.default({ batch: 1, stopOnFailure: true }),
    /** Seconds between checks of origin for missed pushes (trigger catch-up); unset = only at start. */
    poll: z.coerce.number().min(5).max(MAX_SECONDS).optional(),
    report: reportSchema.optional(),
    notify: z.array(notifySchema).default([]),
  })
  .strict()
  .superRefine(strategyProblems)
  .refine((a) => !(a.hosts && a.zeroDowntime), {
    message: "zeroDowntime on several hosts is not supported yet: drop hosts or zeroDowntime",
    path: ["hosts"],
  })
  .superRefine((a, ctx) => {
    for (const problem of healthVarProblems(a.healthcheck?.url, a.hosts))
      ctx.addIssue({ code: "custom", message: problem, path: ["healthcheck", "url"] });
  })
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
    /** Base of links back to the dashboard in reports and notifications; default `url`. */
    publicUrl: z.url().optional(),
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

export type HostConfig = z.infer<typeof hostSchema>;
export type {
  CaddyProxyConfig,
  NginxProxyConfig,
  NotifyConfig,
  NotifyEvent,
  ReportConfig,
  ZeroDowntime,
} from "./schema-parts.js";
