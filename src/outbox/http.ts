import { ReportFailed } from "../errors.js";

/** Statuses worth retrying: the target may answer differently later. */
export const isRetryable = (status: number) => status >= 500 || status === 408 || status === 409 || status === 429;

/**
 * One HTTP request with plain fetch (for targets with no maintained client). Errors name the target,
 * never the URL (a Slack or Discord URL is a credential) nor the headers.
 */
export async function request(
  target: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string; signal: AbortSignal },
): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, redirect: "error" });
  } catch (err) {
    const why = init.signal.aborted ? "timed out" : ((err as Error).cause as Error)?.message || (err as Error).message;
    throw new ReportFailed(`${target}: ${why}`);
  }
  const text = await res.text().catch(() => "");
  if (!res.ok) {
    const detail = text.replace(/\s+/g, " ").slice(0, 200);
    throw new ReportFailed(`${target}: HTTP ${res.status}${detail ? ` ${detail}` : ""}`, !isRetryable(res.status));
  }
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return text;
  }
}

export const json = (body: unknown) => JSON.stringify(body);
