import type { Db } from "./db.js";
import { DeliveryStore } from "./deliveries.js";
import { DeploymentStore } from "./deployments.js";
import { OutboxStore } from "./outbox.js";
import { ServingStore } from "./serving.js";
import { StepStore } from "./steps.js";

/** The stores over one database; a transaction of any of them covers all. */
export interface Stores {
  store: DeploymentStore;
  deliveries: DeliveryStore;
  steps: StepStore;
  serving: ServingStore;
  outbox: OutboxStore;
}

export function openStores(db: Db): Stores {
  return {
    store: new DeploymentStore(db),
    deliveries: new DeliveryStore(db),
    steps: new StepStore(db),
    serving: new ServingStore(db),
    outbox: new OutboxStore(db),
  };
}
