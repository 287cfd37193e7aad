import { setTimeout as sleep } from "node:timers/promises";
import { probe } from "../runners/http.js";
import { ProxyError, UPSTREAM_HEADER } from "./types.js";

/** Asks through the proxy until the answer comes from `upstream` (the header the proxy adds names it). */
export async function confirmUpstream(url: string, upstream: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < until) {
    const r = await probe(url, undefined, 2000, { connection: "close" });
    const from = r.header(UPSTREAM_HEADER);
    if (r.status !== undefined && from === upstream) return;
    last = r.status === undefined ? r.detail : `status ${r.status} from ${from ?? "an unnamed upstream"}`;
    await sleep(100);
  }
  throw new ProxyError(`the proxy at ${url} still does not answer from ${upstream} (last: ${last})`);
}
