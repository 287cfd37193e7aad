import { StepFailed } from "../../errors.js";
import { proxyFor } from "../../proxies/index.js";
import * as compose from "../../runners/compose.js";
import { removeContainers } from "../../runners/docker.js";
import type { StepContext } from "../context.js";
import { engineOptions } from "../context.js";
import { converge, trafficContainers } from "../converge.js";
import { settle } from "../drains.js";
import { type Found, need, type StepOutcome } from "../step.js";
import { trafficProblems } from "../traffic-rules.js";

/**
 * Zero-downtime: brings the other services up as `up` would (never the traffic service), then starts a
 * second container of the traffic service beside the serving one, which it does not touch.
 */
export async function start(ctx: StepContext, found: Readonly<Found>): Promise<StepOutcome> {
  const zd = ctx.app.zeroDowntime;
  if (!zd) throw new StepFailed("start", "internal error: start is a zeroDowntime step");
  const { target, services } = need(found, "plan", "start");
  const problems = trafficProblems(
    services.find((s) => s.name === zd.service),
    zd,
  );
  if (problems.length > 0) throw new StepFailed("start", `zeroDowntime: ${problems.join("; ")}`);
  const opts = engineOptions(ctx, "start");

  // The previous switch's drain, or a restart's convergence, finishes first.
  await settle(ctx.app.name);
  const others = services.filter((s) => s.name !== zd.service).map((s) => s.name);
  if (others.length > 0) {
    ctx.touched.add("containers");
    await compose.upOnly(ctx.compose, target, others, opts);
  }
  const serving = await converge(ctx.app.name, target, zd, { proxy: proxyFor(ctx.app.name, zd), ...ctx, opts });
  const before = await trafficContainers(target, zd, opts);
  await compose.scaleUp(ctx.compose, target, zd.service, before.length + 1, opts);
  const fresh = (await trafficContainers(target, zd, opts)).filter((c) => !before.some((b) => b.id === c.id));
  const [added] = fresh;
  if (fresh.length !== 1 || !added?.address) {
    await removeContainers(
      fresh.map((c) => c.id),
      opts,
    );
    // A container that died at once has no published port any more: say how it ended.
    const died = added && !added.state.running && !added.state.restarting;
    throw new StepFailed(
      "start",
      died
        ? `health check failed: container ${added.name} exited with code ${added.state.exitCode}`
        : `Compose did not start one new ${zd.service} container with port ${zd.port} published`,
    );
  }
  const old = before.map((c) => ({ id: c.id, name: c.name }));
  return {
    detail: `started ${added.name} at ${added.address}${serving ? ` beside ${serving.name}` : ""}`,
    found: { release: { id: added.id, name: added.name, address: added.address, old } },
  };
}
