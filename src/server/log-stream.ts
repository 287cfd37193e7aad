import type { IncomingMessage, ServerResponse } from "node:http";
import type { DeploymentStore } from "../store/deployments.js";
import type { LogStore } from "../store/logs.js";
import { isFinished } from "../store/types.js";

const KEEP_ALIVE_EVERY_S = 15;

/**
 * Streams a deployment's log as Server-Sent Events: what is written so far, then each new line,
 * then `event: end` with the final status once the deployment ends, however it ends.
 * Returns a function that ends the stream early (server shutdown).
 */
export function streamLog(
  id: string,
  req: IncomingMessage,
  res: ServerResponse,
  deps: { logs: LogStore; store: DeploymentStore },
): () => void {
  const { logs, store } = deps;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  // Headers go out now, not with the first log line (a queued deployment may not log for a while).
  res.write(": stream open\n\n");
  const send = (chunk: string) => {
    for (const line of chunk.split("\n")) if (line) res.write(`data: ${line}\n\n`);
  };
  const finished = () => {
    const status = store.get(id)?.status;
    return status === undefined || isFinished(status);
  };

  let open = true;
  const stop = (sayEnd: boolean) => {
    if (!open) return;
    open = false;
    unsubscribe();
    clearInterval(watch);
    if (sayEnd) {
      const final = store.get(id);
      res.write(`event: end\ndata: ${JSON.stringify({ status: final?.status, error: final?.error })}\n\n`);
      res.end();
    }
  };
  // Read and subscribe in one tick: log appends are synchronous, so nothing is missed or doubled.
  send(logs.read(id));
  const unsubscribe = logs.subscribe(id, send, () => stop(true));
  // A deployment can also end without running (cancelled while queued, superseded): watch the
  // record too, and keep proxies from closing an idle stream.
  let ticks = 0;
  const watch = setInterval(() => {
    if (finished()) stop(true);
    else if (++ticks % KEEP_ALIVE_EVERY_S === 0) res.write(": keep-alive\n\n");
  }, 1000);
  req.on("close", () => stop(false));
  if (finished()) stop(true);
  return () => stop(true);
}
