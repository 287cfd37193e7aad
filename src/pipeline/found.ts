import type { ComposeTarget } from "../config/app-compose.js";
import type { ComposeService } from "../runners/compose.js";
import type { PlannedRebuild } from "./plan.js";

// What steps find out and hand to the steps after them (and to recovery), one type per step.

/** What sync found: where the checkout was, and whether it moved. */
export interface Synced {
  previousSha: string;
  moved: boolean;
}

/** What plan found: the Compose project, its services, and which of them to rebuild. */
export interface Planned {
  target: ComposeTarget;
  services: ComposeService[];
  rebuild: PlannedRebuild[];
}

/** What start found: the new container of the traffic service, and the ones it is to replace. */
export interface Released {
  id: string;
  name: string;
  /** host:port of its traffic port. */
  address: string;
  /** Containers of the service that ran before (normally the one serving). */
  old: { id: string; name: string }[];
}

/** What a Swarm stack deploy found: the stack, what it must converge on, and the tasks that ran before. */
export interface Stacked {
  /** The stack's name: the Compose project. */
  project: string;
  /** Swarm service name (`<stack>_<service>`) → the image it must run. */
  images: Record<string, string>;
  /** Ids of the stack's tasks before the deploy: only tasks created since count as this deploy's failures. */
  before: string[];
}

/** What earlier steps of the run found out, each under its step's name. */
export interface Found {
  sync?: Synced;
  plan?: Planned;
  /** Zero-downtime: the new container started beside the serving one. */
  release?: Released;
  /** Zero-downtime: the proxy now sends traffic to the new container. */
  switched?: boolean;
  /** Swarm: the stack was deployed. */
  stack?: Stacked;
}
