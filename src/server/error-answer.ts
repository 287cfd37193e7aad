import { DeployerError, TooManyRequests } from "../errors.js";

export interface ErrorAnswer {
  status: number;
  body: { error: string };
  headers: Record<string, string>;
  /** Whether the server log needs the error (a 5xx: deployer's fault, not the client's). */
  logIt: boolean;
}

/** The one mapping of errors to HTTP answers: typed errors keep their status, the rest are 500 without details. */
export function errorAnswer(err: Error & { statusCode?: unknown }): ErrorAnswer {
  if (err instanceof DeployerError) {
    const headers: Record<string, string> =
      err instanceof TooManyRequests ? { "retry-after": String(err.retryAfterSeconds) } : {};
    return { status: err.statusCode, body: { error: err.message }, headers, logIt: err.statusCode >= 500 };
  }
  const status = err.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500)
    return { status, body: { error: err.message }, headers: {}, logIt: false };
  return { status: 500, body: { error: "internal error; see the server log" }, headers: {}, logIt: true };
}
