import type { Logger } from "pino";
import type { Config } from "../config/types.js";
import type { ComposeCli } from "../runners/compose.js";
import type { DeploymentStore } from "../store/deployments.js";
import type { LogStore } from "../store/logs.js";
import type { ServingStore } from "../store/serving.js";
import type { StepStore } from "../store/steps.js";

/** What the pipeline needs from the running deployer. */
export interface PipelineDeps {
  config: Config;
  store: DeploymentStore;
  steps: StepStore;
  serving: ServingStore;
  logs: LogStore;
  compose: ComposeCli;
  logger: Logger;
}
