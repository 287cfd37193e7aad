import type { PipelineStep } from "../step.js";

/**
 * How new containers replace the running ones. The steps around a strategy (sync, plan, build, hooks,
 * finalize) are the same for every strategy; only `release` differs, and it must leave the new version
 * serving and health-checked, or fail having marked what it touched.
 */
export interface Strategy {
  name: string;
  release: PipelineStep[];
}
