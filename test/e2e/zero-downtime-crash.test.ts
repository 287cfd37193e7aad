import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker } from "../helpers/app-fixture.js";
import { settled, setUp, tearDown, type ZdSetup } from "../helpers/zero-downtime.js";

// kill -9 of deployer in the middle of a zero-downtime switch, through a real Debian nginx.

describe("zero-downtime crash safety (e2e)", () => {
  let s: ZdSetup;
  beforeAll(async () => {
    // A slow reload keeps the switch open long enough to kill the server in the middle of it.
    s = await setUp("nginx", "zdcrash", { slowReload: 3 });
  }, 60_000);
  afterAll(() => tearDown(s));

  it("converges on one serving container with a valid proxy config after kill -9 mid-switch", async () => {
    const first = await s.deploy({ "web/version.txt": "c1\n" });
    expect((await s.server.waitFor(first.id)).status).toBe("succeeded");
    const { id } = await s.deploy({ "web/version.txt": "c2\n" });
    await s.server.waitForStep(id, "switch");
    await s.server.stop("SIGKILL");
    s.server = await s.server.restart();

    const interrupted = await s.server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toContain("(in switch)");
    const [recovery] = (await s.server.api("GET", `/api/deployments?app=zdcrash&limit=1`)).body;
    const done = await s.server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    await settled(s);
    expect(await s.served()).toBe("c2");
    // nginx accepts the config deployer left, and it names the one running container's port.
    const conf = readFileSync(join(s.app.root, "nginx", "conf.d", "deployer-zdcrash.conf"), "utf8");
    const [web] = s.webContainers();
    expect(conf).toContain(`server ${docker("port", web as string, "8080/tcp").split("\n")[0]};`);
    const nginx = (s.proxy.config.nginx as { test: string[] }).test;
    execFileSync(nginx[0] as string, nginx.slice(1), { stdio: "ignore" });
  }, 240_000);
});
