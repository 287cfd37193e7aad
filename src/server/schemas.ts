import { DEPLOYMENT_STATUSES, STEP_STATUSES, TRIGGERS } from "../store/types.js";

// JSON schemas for the routes: they validate input and feed the OpenAPI document at /docs.

export const errorSchema = {
  type: "object",
  properties: { error: { type: "string" } },
  required: ["error"],
} as const;

/** Every /api route needs the Bearer token. */
export const bearerSecurity = [{ bearer: [] }];
/** Responses any /api route with params can give besides its own. */
export const apiErrors = { 401: errorSchema, 404: errorSchema };

export const deploymentSchema = {
  type: "object",
  properties: {
    id: { type: "string" },
    app: { type: "string" },
    status: { type: "string", enum: [...DEPLOYMENT_STATUSES] },
    trigger: { type: "string", enum: [...TRIGGERS] },
    actor: { type: ["string", "null"] },
    sha: { type: "string" },
    ref: { type: ["string", "null"] },
    branch: { type: ["string", "null"] },
    previousSha: { type: ["string", "null"] },
    rebuilt: { type: "array", items: { type: "string" } },
    createdAt: { type: "string" },
    startedAt: { type: ["string", "null"] },
    finishedAt: { type: ["string", "null"] },
    error: { type: ["string", "null"] },
    steps: {
      type: "array",
      items: {
        type: "object",
        properties: {
          name: { type: "string" },
          status: { type: "string", enum: [...STEP_STATUSES] },
          startedAt: { type: "string" },
          finishedAt: { type: ["string", "null"] },
          durationMs: { type: ["integer", "null"] },
          detail: { type: ["string", "null"] },
        },
      },
    },
    reports: {
      description: "One deployment only: its commit statuses, forge deployments and notifications",
      type: "array",
      items: {
        type: "object",
        properties: {
          target: { type: "string", description: "github-status, github-deployment, …, notify:<index>:<type>" },
          event: { type: "string", description: "queued, running, succeeded, failed, rolledBack, …, inactive" },
          state: { type: "string", enum: ["pending", "delivered", "failed"] },
          attempts: { type: "integer" },
          lastError: { type: ["string", "null"] },
          createdAt: { type: "string" },
          deliveredAt: { type: ["string", "null"] },
        },
      },
    },
  },
} as const;

export const webhookResponseSchema = {
  type: "object",
  description: "202: {id, app, status, sha, also, deployments}; 200: {ignored} | {duplicate, id} | {message: 'pong'}",
  properties: {
    id: { type: ["string", "null"] },
    app: { type: "string" },
    status: { type: "string" },
    sha: { type: "string" },
    ignored: { type: "string" },
    duplicate: { type: "boolean" },
    message: { type: "string" },
    hook_id: { type: "integer" },
    also: {
      type: "array",
      description: "other apps the same push deploys (same repository and branch)",
      items: { type: "object", properties: { id: { type: "string" }, app: { type: "string" } } },
    },
    zen: { type: "string" },
    deployments: {
      type: "array",
      description: "when a push deploys several apps (or refs): every deployment it caused",
      items: {
        type: "object",
        properties: {
          id: { type: "string" },
          app: { type: "string" },
          status: { type: "string" },
          sha: { type: "string" },
        },
      },
    },
  },
} as const;

export const appSummarySchema = {
  type: "object",
  properties: {
    name: { type: "string" },
    repo: { type: ["string", "null"] },
    branch: { type: ["string", "null"] },
    currentSha: { type: ["string", "null"] },
    healthy: { type: ["boolean", "null"] },
    running: { type: ["string", "null"] },
    lastDeployment: { anyOf: [deploymentSchema, { type: "null" }] },
    serving: {
      description: "zeroDowntime apps: the container the proxy sends traffic to, and since when",
      anyOf: [
        {
          type: "object",
          properties: {
            container: { type: "string" },
            name: { type: "string" },
            address: { type: "string" },
            sha: { type: ["string", "null"] },
            since: { type: "string" },
          },
        },
        { type: "null" },
      ],
    },
    hosts: {
      description: "apps with hosts: one entry per host, in rollout order",
      anyOf: [
        {
          type: "array",
          items: {
            type: "object",
            properties: {
              name: { type: "string" },
              engine: { type: "string" },
              currentSha: { type: ["string", "null"] },
              healthy: { type: ["boolean", "null"] },
              containers: { type: ["integer", "null"], description: "running containers there now; null: unreachable" },
            },
          },
        },
        { type: "null" },
      ],
    },
  },
} as const;
