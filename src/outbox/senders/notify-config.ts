import type { NotifyConfig } from "../../config/schema.js";
import { ReportFailed } from "../../errors.js";
import { notifyIndex } from "../targets.js";
import type { SendInput } from "../types.js";

/** The `notify` entry a row is for; gone (the config changed) means the row is given up. */
export function notifyConfig({ app, row }: SendInput): NotifyConfig {
  const n = app.notify[notifyIndex(row.target) ?? -1];
  if (!n || !row.target.endsWith(`:${n.type}`))
    throw new ReportFailed(`${row.target}: no such notification in ${app.name}'s config any more`, true);
  return n;
}
