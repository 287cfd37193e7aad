import { StepFailed } from "../../errors.js";
import { confirmUpstream } from "../../proxies/confirm.js";
import { proxyFor } from "../../proxies/index.js";
import { removeContainers } from "../../runners/docker.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { track } from "../drains.js";
import { type Found, need, type StepOutcome } from "../step.js";
import { directUrl } from "./health-new.js";

const CONFIRM_MS = 15_000;

/**
 * Zero-downtime: points the proxy at the new container, applies it, and confirms that the proxy now
 * answers from it. The deploy is live here; the old container drains in the background, then goes.
 * If the proxy refuses or never answers from the new container, it is pointed back and nothing changed.
 */
export async function switchTraffic(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const zd = ctx.app.zeroDowntime;
  if (!zd) throw new StepFailed("switch", "internal error: switch is a zeroDowntime step");
  const released = need(found, "release", "switch");
  const opts = engineOptions(ctx, "switch");
  const proxy = proxyFor(ctx.app.name, zd);
  const before = await proxy.current(opts);
  await proxy.switchTo(released.address, opts);
  if (proxy.url) {
    try {
      await confirmUpstream(
        directUrl(ctx.app.healthcheck?.url, proxy.url.slice("http://".length)),
        released.address,
        CONFIRM_MS,
      );
    } catch (err) {
      if (before) await proxy.switchTo(before, opts).catch(() => undefined);
      throw err;
    }
  }
  // From here the old version no longer serves: undoing this deploy means a rollback.
  ctx.touched.add("containers");
  ctx.serving.set(ctx.app.name, {
    container: released.id,
    name: released.name,
    address: released.address,
    sha: ctx.deployment.sha,
    since: new Date().toISOString(),
  });
  const old = released.old.map((c) => c.id);
  void track(ctx.app.name, async () => {
    await new Promise((r) => setTimeout(r, zd.drain * 1000));
    await removeContainers(old, { step: "drain", timeoutMs: 60_000 });
  });
  const names = released.old.map((c) => c.name).join(", ");
  return {
    detail: `${proxy.kind} → ${released.name} (${released.address})${names ? `; ${names} drains for ${zd.drain} s` : ""}`,
    found: { switched: true },
  };
}
