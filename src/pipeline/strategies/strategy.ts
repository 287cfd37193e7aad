import type { StepContext } from "../context.js";
import type { Found, PipelineStep } from "../step.js";

/**
 * How new containers replace the running ones. The steps around a strategy (sync, plan, build, hooks,
 * finalize) are the same for every strategy; only `release` differs, and it must leave the new version
 * serving and health-checked, or fail having marked what it touched.
 */
export interface Strategy {
  name: string;
  release: PipelineStep[];
  /** Undoes what a failed release left behind that recovery's rollback does not cover. */
  cleanup?: (ctx: StepContext, found: Readonly<Found>) => Promise<void>;
}
