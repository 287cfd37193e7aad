import { ConflictError, NotFoundError } from "../errors.js";
import type { Deployment } from "../store/types.js";
import type { Runtime } from "./runtime.js";

/** Lets a deployment held by `approve: true` run: it becomes queued and the queue picks it up. */
export function approveDeployment(rt: Pick<Runtime, "store" | "logs" | "queue">, id: string, by: string): Deployment {
  const d = rt.store.get(id);
  if (!d) throw new NotFoundError(`deployment ${id} not found`);
  if (!rt.store.approve(id)) {
    throw new ConflictError(`deployment ${id} is ${d.status}, not waiting for approval; there is nothing to approve`);
  }
  rt.logs.sink(id).line(`approved by ${by}`);
  rt.queue.kick();
  return rt.store.get(id) as Deployment;
}
