import type { Timeouts } from "../config/schema.js";
import { StepFailed } from "../errors.js";
import type { StepContext } from "./context.js";
import type { Found } from "./found.js";

/** What a step reports: a line for the record, whether it had nothing to do, and what it found. */
export interface StepOutcome {
  detail?: string;
  skipped?: boolean;
  found?: Found;
  /** The run ends here with nothing changed (a stale push): why, for the deployment's record. */
  halt?: string;
}

export interface PipelineStep {
  name: string;
  /** Which configured timeout bounds the whole step. */
  timeout: keyof Timeouts;
  run: (ctx: StepContext, found: Readonly<Found>) => Promise<StepOutcome>;
}

/** An earlier step's result that this step cannot do without. */
export function need<K extends keyof Found>(found: Readonly<Found>, key: K, step: string): NonNullable<Found[K]> {
  const value = found[key];
  if (!value) throw new StepFailed(step, `internal error: ${step} needs the ${key} step to run first`);
  return value as NonNullable<Found[K]>;
}

export type { Found };
