// Typed errors. Each carries a message a user can act on; the HTTP layer maps
// them to status codes in one place (server/error-handler.ts).

export class DeployerError extends Error {
  readonly statusCode: number = 500;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ConfigError extends DeployerError {
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

export class SignatureError extends DeployerError {
  override readonly statusCode = 401;
}

export class BadRequestError extends DeployerError {
  override readonly statusCode = 400;
}

export class UnauthorizedError extends DeployerError {
  override readonly statusCode = 401;
}

/** Too much at once from a client (too many failures, too many bodies): 429 with when to retry. */
export class TooManyRequests extends DeployerError {
  override readonly statusCode = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export class NotFoundError extends DeployerError {
  override readonly statusCode = 404;
}

export class ConflictError extends DeployerError {
  override readonly statusCode = 409;
}

/** Something deployer depends on (the git remote) did not answer as it should: 502. */
export class UpstreamError extends DeployerError {
  override readonly statusCode = 502;
}

/** A pipeline step failed; `message` is what the deployment records as its error. */
export class StepFailed extends DeployerError {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(message);
  }
}

/** A deployment that has nothing to do (skip marker, no matching path): recorded as `skipped`, nothing changed. */
export class DeploySkipped extends StepFailed {}

export class CommandTimedOut extends DeployerError {
  constructor(
    readonly step: string,
    readonly seconds: number,
  ) {
    super(`timed out after ${seconds} s in ${step}`);
  }
}

export class Cancelled extends DeployerError {
  constructor(readonly step: string) {
    super(`cancelled during ${step}`);
  }
}

/** What to record for an error: a deployer error's own message, anything else as an internal error. */
export function describeError(err: unknown): string {
  if (err instanceof DeployerError) return err.message;
  return `internal error: ${(err as Error)?.message ?? String(err)}`;
}

/** The one route from any error inside a step to the step's failure; a cancel stays a cancel. */
export function asStepFailure(step: string, err: unknown): StepFailed | Cancelled {
  if (err instanceof StepFailed || err instanceof Cancelled) return err;
  return new StepFailed(step, describeError(err));
}

/** A report or notification the target refused or did not answer; `permanent` ones are not retried. */
export class ReportFailed extends DeployerError {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}
