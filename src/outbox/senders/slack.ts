import { request } from "../http.js";
import { markdown } from "../message.js";
import type { Send } from "../types.js";
import { notifyConfig } from "./notify-config.js";

/** Slack incoming webhook: POST {text} (mrkdwn). */
export const slack: Send = async (input) => {
  const n = notifyConfig(input);
  const text = markdown(input.event, await input.commit(), 2500);
  const headers = { "content-type": "application/json" };
  await request(input.row.target, n.url, {
    method: "POST",
    headers,
    body: JSON.stringify({ text }),
    signal: input.signal,
  });
  return undefined;
};
