import { createParser } from "eventsource-parser";
import { readEnvironment } from "../config/load.js";
import type { Config } from "../config/types.js";
import type { Deployment } from "../store/types.js";

/** A small client for the deployer API, used by the CLI's remote commands. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  static from(config: Config | undefined, baseUrl: string): ApiClient {
    const env = readEnvironment();
    return new ApiClient(baseUrl, env.DEPLOYER_API_TOKEN || config?.apiToken);
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.token) h.authorization = `Bearer ${this.token}`;
    if (json) h["content-type"] = "application/json";
    return h;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new Error(
        `cannot reach deployer at ${this.baseUrl} (${(err as Error).message}); is \`deployer serve\` running?`,
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: string }).error ?? text;
      } catch {}
      const hint = res.status === 401 ? " (set DEPLOYER_API_TOKEN)" : "";
      throw new Error(`${res.status}: ${message}${hint}`);
    }
    return (res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T;
  }

  deployment(id: string): Promise<Deployment> {
    return this.request("GET", `/api/deployments/${encodeURIComponent(id)}`);
  }

  /** Streams a deployment's log lines until it ends; resolves with the final deployment. */
  async follow(id: string, onLine: (line: string) => void): Promise<Deployment> {
    const res = await fetch(`${this.baseUrl}/api/deployments/${encodeURIComponent(id)}/log?follow=1`, {
      headers: this.headers(false),
    });
    if (!res.ok || !res.body) throw new Error(`${res.status}: cannot follow the log of ${id}`);
    const parser = createParser({
      onEvent: (e) => {
        if (e.event !== "end") onLine(e.data);
      },
    });
    const decoder = new TextDecoder();
    for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
    return this.deployment(id);
  }
}
