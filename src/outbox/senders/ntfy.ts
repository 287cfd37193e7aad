import { isSuccess } from "../event.js";
import { request } from "../http.js";
import { messageLines } from "../message.js";
import type { Send } from "../types.js";
import { notifyConfig } from "./notify-config.js";

/** Header values must be ASCII. */
const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

/** ntfy: POST the message text to the topic URL; Title, Tags, Priority and Click as headers. */
export const ntfy: Send = async (input) => {
  const n = notifyConfig(input);
  const { event } = input;
  const m = messageLines(event, await input.commit());
  const body = [...m.lines, ...m.log.slice(-5)].join("\n");
  const ok = isSuccess(event.outcome, event);
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    title: ascii(m.title),
    tags: ok ? "white_check_mark" : "x",
    priority: ok ? "default" : "high",
  };
  if (event.link) headers.click = event.link;
  await request(input.row.target, n.url, { method: "POST", headers, body, signal: input.signal });
  return undefined;
};
