import type { ComposeTarget } from "../config/app-compose.js";
import type { ZeroDowntime } from "../config/schema.js";
import type { AppProxy } from "../proxies/types.js";
import { type ContainerState, inspectContainers, removeContainers, serviceContainers } from "../runners/docker.js";
import type { RunOptions } from "../runners/exec.js";
import type { Serving, ServingStore } from "../store/serving.js";

export interface TrafficContainer {
  id: string;
  name: string;
  address: string | undefined;
  state: ContainerState;
}

/** Every container of the traffic service, with the host address of its traffic port. */
export async function trafficContainers(
  target: ComposeTarget,
  zd: ZeroDowntime,
  opts: RunOptions,
): Promise<TrafficContainer[]> {
  const ids = await serviceContainers(target.project, zd.service, opts);
  return (await inspectContainers(ids, opts)).map((state) => ({
    id: state.id,
    name: state.name,
    address: state.ports[`${zd.port}/tcp`]?.[0],
    state,
  }));
}

/**
 * Brings an app to exactly one serving container of its traffic service, with the proxy pointing at it:
 * the one the proxy already sends traffic to if it runs, else the recorded one, else the newest running.
 * Every other container of the service is removed. Safe to run at any time; after a crash mid-switch
 * this is what makes the app whole again. Returns the serving container, if any runs.
 */
export async function converge(
  app: string,
  target: ComposeTarget,
  zd: ZeroDowntime,
  deps: { proxy: AppProxy; serving: ServingStore; opts: RunOptions; reapply?: boolean },
): Promise<Serving | undefined> {
  const { proxy, serving, opts } = deps;
  const all = await trafficContainers(target, zd, opts);
  const running = all.filter((c) => c.state.running && !c.state.restarting && c.address);
  const proxied = await proxy.current(opts);
  const recorded = serving.get(app);
  const newest = [...running].sort((a, b) => b.state.created.localeCompare(a.state.created))[0];
  const keep =
    running.find((c) => c.address === proxied) ?? running.find((c) => c.id === recorded?.container) ?? newest;

  await removeContainers(
    all.filter((c) => c.id !== keep?.id).map((c) => c.id),
    opts,
  );
  if (!keep?.address) return undefined;
  // After a restart it is applied even when the proxy's config already names it: a crash between
  // writing the config and reloading the proxy leaves a file that says one thing while the proxy does another.
  if (deps.reapply || keep.address !== proxied) await proxy.switchTo(keep.address, opts);
  const same = recorded?.container === keep.id;
  if (same && recorded.address === keep.address) return recorded;
  const now: Serving = {
    container: keep.id,
    name: keep.name,
    address: keep.address,
    sha: same ? recorded.sha : null,
    since: same ? recorded.since : new Date().toISOString(),
  };
  serving.set(app, now);
  return now;
}
