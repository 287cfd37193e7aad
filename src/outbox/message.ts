import type { Outcome, ReportEvent } from "./event.js";
import type { CommitInfo } from "./types.js";

const WORDS: Record<Outcome, string> = {
  queued: "deploy queued",
  running: "deploying",
  succeeded: "deployed",
  failed: "deploy failed",
  rolledBack: "rolled back",
  cancelled: "deploy cancelled",
  superseded: "deploy superseded",
  skipped: "nothing to deploy",
  interrupted: "deploy interrupted",
};

export function headline(e: ReportEvent): string {
  const what = e.outcome === "rolledBack" && e.trigger !== "rollback" ? "deploy failed, rolled back" : WORDS[e.outcome];
  return `${e.app}: ${what}`;
}

export const seconds = (ms: number | null) => (ms === null ? null : `${(ms / 1000).toFixed(1)} s`);

/** One short line for a forge's status description (GitHub caps it at 140 characters). */
export function description(e: ReportEvent): string {
  const took = seconds(e.durationMs);
  const text = `${headline(e)}${took ? ` in ${took}` : ""}${e.failedStep ? ` (step ${e.failedStep.name})` : ""}`;
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** The lines of a chat message: outcome, commit, duration, failing step with its log tail, link. */
export function messageLines(e: ReportEvent, c: CommitInfo): { title: string; lines: string[]; log: string[] } {
  const subject = c.message ? ` "${c.message}"` : "";
  const lines = [`commit ${c.short}${subject}${c.author ? ` by ${c.author}` : ""}`];
  const took = seconds(e.durationMs);
  if (took) lines.push(`took ${took}`);
  if (e.failedStep)
    lines.push(`failing step: ${e.failedStep.name}${e.failedStep.detail ? ` (${e.failedStep.detail})` : ""}`);
  else if (e.error && e.outcome !== "succeeded") lines.push(e.error);
  return { title: headline(e), lines, log: e.failedStep?.log ?? [] };
}

/** Plain text with a fenced log (Slack, Discord); `limit` caps the log so the whole fits. */
export function markdown(e: ReportEvent, c: CommitInfo, limit: number): string {
  const m = messageLines(e, c);
  let log = m.log.join("\n");
  if (log.length > limit) log = `…${log.slice(-limit)}`;
  const parts = [`*${m.title}*`, ...m.lines];
  if (log) parts.push(`\`\`\`\n${log.replaceAll("```", "ˋˋˋ")}\n\`\`\``);
  if (e.link) parts.push(e.link);
  return parts.join("\n");
}
