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

export const appSchema = z
  .object({
    repo: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name")
      .optional(),
    path: z.string().min(1),
    branch: z.string().min(1).optional(),
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
    /** Seconds between checks of origin for missed pushes (trigger catch-up); unset = only at start. */
    poll: z.coerce.number().min(5).max(MAX_SECONDS).optional(),
  })
  .strict();

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
    secret: z.string().min(1).optional(),
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
