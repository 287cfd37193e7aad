import { splitImageRef } from "./docker.js";

/** A Swarm service as the health gate needs it (`docker service inspect`). */
export interface SwarmService {
  id: string;
  /** `<stack>_<service>`. */
  name: string;
  /** The image its spec asks for, as `repository:tag` (the pinned digest dropped). */
  image: string;
  /** Replicated services: how many tasks must run; undefined for global services and jobs. */
  replicas: number | undefined;
  /** Its last (or current) update or rollback; undefined before its first update. */
  update: { state: string; message: string } | undefined;
}

/** One task of a service (`docker inspect --type task`). */
export interface SwarmTask {
  id: string;
  serviceId: string;
  slot: number | undefined;
  /** As for a service: `repository:tag`. */
  image: string;
  /** What Swarm wants it to be: `running`, `shutdown`, … */
  desired: string;
  /** What it is: `pending`, `starting` (waiting to be healthy), `running`, `failed`, `rejected`, … */
  state: string;
  /** Why it failed or waits (`task: non-zero exit (1)`, `no suitable node …`). */
  err: string | undefined;
}

/**
 * `repository:tag` of an image reference, without its digest: what a spec pinned as `ref@sha256:…`
 * and what the compose file said compare equal. An untagged reference means `latest`.
 */
export function imageName(ref: string): string {
  const { repository, tag } = splitImageRef(ref);
  return `${repository}:${tag}`;
}

interface RawService {
  ID: string;
  Spec: {
    Name: string;
    Mode?: { Replicated?: { Replicas?: number } };
    TaskTemplate: { ContainerSpec?: { Image?: string } };
  };
  UpdateStatus?: { State?: string; Message?: string };
}

/** The services of `docker service inspect` output. Pure. */
export function parseServices(json: string): SwarmService[] {
  return (JSON.parse(json) as RawService[]).map((s) => {
    const replicated = s.Spec.Mode?.Replicated;
    return {
      id: s.ID,
      name: s.Spec.Name,
      image: imageName(s.Spec.TaskTemplate.ContainerSpec?.Image ?? ""),
      replicas: replicated ? (replicated.Replicas ?? 1) : undefined,
      update: s.UpdateStatus?.State
        ? { state: s.UpdateStatus.State, message: s.UpdateStatus.Message ?? "" }
        : undefined,
    };
  });
}

interface RawTask {
  ID: string;
  ServiceID: string;
  Slot?: number;
  DesiredState: string;
  Spec: { ContainerSpec?: { Image?: string } };
  Status: { State: string; Err?: string };
}

/** The tasks of `docker inspect --type task` output. Pure. */
export function parseTasks(json: string): SwarmTask[] {
  return (JSON.parse(json) as RawTask[]).map((t) => ({
    id: t.ID,
    serviceId: t.ServiceID,
    slot: t.Slot,
    image: imageName(t.Spec.ContainerSpec?.Image ?? ""),
    desired: t.DesiredState,
    state: t.Status.State,
    err: t.Status.Err || undefined,
  }));
}
