import { request } from "../http.js";
import { markdown } from "../message.js";
import type { Send } from "../types.js";
import { notifyConfig } from "./notify-config.js";

/** Discord webhook: POST {content} (at most 2000 characters), mentions disabled. */
export const discord: Send = async (input) => {
  const n = notifyConfig(input);
  const content = markdown(input.event, await input.commit(), 1200).slice(0, 2000);
  const body = JSON.stringify({ content, allowed_mentions: { parse: [] } });
  const headers = { "content-type": "application/json" };
  await request(input.row.target, n.url, { method: "POST", headers, body, signal: input.signal });
  return undefined;
};
