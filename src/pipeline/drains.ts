// Work on an app's containers that outlives its deployment: the old container's drain after a switch,
// and the convergence after a restart. The next deployment of the app waits for it first.
const pending = new Map<string, Promise<void>>();

/** Runs `work` after whatever is already pending for the app; failures are the work's own business. */
export function track(app: string, work: () => Promise<void>): Promise<void> {
  const next = (pending.get(app) ?? Promise.resolve()).then(work).catch(() => undefined);
  pending.set(app, next);
  void next.then(() => {
    if (pending.get(app) === next) pending.delete(app);
  });
  return next;
}

/** Resolves once nothing is pending for the app. */
export async function settle(app: string): Promise<void> {
  for (let p = pending.get(app); p; p = pending.get(app)) await p;
}
