import { push } from "../steps/push.js";
import { stackDeploy } from "../steps/stack-deploy.js";
import { stackHealth } from "../steps/stack-health.js";
import type { Strategy } from "./strategy.js";

/**
 * `strategy: swarm`: the built images are pushed to the app's registry under the commit, the stack is
 * deployed with `docker stack deploy`, and Swarm's own rolling update (the services' update_config)
 * replaces the tasks; health waits until every service has converged on the new images. A failure rolls
 * back through recovery, which releases the last good commit the same way: its images, pushed under
 * its commit, deployed again.
 */
export const swarm: Strategy = {
  name: "swarm",
  release: [
    { name: "push", timeout: "build", run: push },
    { name: "stackDeploy", timeout: "up", run: stackDeploy },
    { name: "health", timeout: "health", run: stackHealth },
  ],
};
