import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a FAKE API server received it. */
export interface Recorded {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  /** The status the fake answered. */
  status: number;
}

export type Responder = (req: Omit<Recorded, "status">, n: number) => { status: number; body?: unknown } | "hang";

/**
 * A FAKE forge / chat API for tests: records every request (method, path, headers, body) and answers
 * with `respond` (default 201 {}), or never answers ("hang"). Not a real forge.
 */
export class FakeApi {
  readonly requests: Recorded[] = [];
  private server!: Server;
  private readonly hanging = new Set<import("node:http").ServerResponse>();
  url = "";

  constructor(public respond: Responder = () => ({ status: 201, body: {} })) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = body ? JSON.parse(body) : undefined;
        } catch {
          json = undefined;
        }
        const seen = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
        const answer = this.respond(seen, this.requests.length);
        if (answer === "hang") {
          this.requests.push({ ...seen, status: 0 });
          this.hanging.add(res);
          return;
        }
        this.requests.push({ ...seen, status: answer.status });
        res.writeHead(answer.status, { "content-type": "application/json" });
        res.end(JSON.stringify(answer.body ?? {}));
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Polls until `pred` holds (or fails after timeoutMs). */
export async function until(pred: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
