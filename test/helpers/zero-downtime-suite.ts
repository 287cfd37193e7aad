import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, dockerfile } from "./app-fixture.js";
import { startLoad } from "./load.js";
import { settled, setUp, tearDown, type ZdSetup } from "./zero-downtime.js";

// Zero-downtime deploys through a real Debian proxy, with a steady load through it while deploys run.
// One file per proxy (test/e2e/zero-downtime-{nginx,caddy}.test.ts) so the two run side by side.

/** The zero-downtime e2e cases, through a real `kind` proxy started on loopback ports. */
export function zeroDowntimeSuite(kind: "nginx" | "caddy"): void {
  describe(`zero-downtime deploys through ${kind} (e2e)`, () => {
    let s: ZdSetup;
    beforeAll(async () => {
      s = await setUp(kind, `zd${kind}`);
      const first = await s.deploy({ "web/version.txt": "v0\n" });
      const d = await s.server.waitFor(first.id);
      expect(d.status, d.error ?? "").toBe("succeeded");
      expect(d.steps?.map((st) => st.name)).toEqual([
        "filter",
        "sync",
        "plan",
        "build",
        "preDeploy",
        "start",
        "health",
        "switch",
        "postDeploy",
        "finalize",
      ]);
      expect(await s.served()).toBe("v0");
      docker("exec", s.dbContainer(), "/bin/busybox", "sh", "-c", "echo kept > /data/state");
    }, 180_000);
    afterAll(() => tearDown(s));

    it("serves every request at 100 req/s through 10 deploys, code and Dockerfile changes alternating", async () => {
      const db = s.dbContainer();
      const load = startLoad(`http://${s.proxy.listen}/version.txt`, 100);
      for (let i = 1; i <= 10; i++) {
        const files: Record<string, string> = { "web/version.txt": `v${i}\n` };
        if (i % 2 === 0) files["web/Dockerfile"] = dockerfile(`STOPSIGNAL SIGKILL\nLABEL build=${i}\n`);
        const { id } = await s.deploy(files);
        const d = await s.server.waitFor(id);
        expect(d.status, d.error ?? "").toBe("succeeded");
        expect(d.steps?.find((st) => st.name === "switch")?.detail).toMatch(new RegExp(`^${kind} → `));
        expect(await s.served()).toBe(`v${i}`);
      }
      const result = await load.stop();
      expect(result.failures).toEqual([]);
      expect(result.failed).toBe(0);
      expect(result.ok).toBeGreaterThan(result.seconds * 90);
      // The stateful service was never recreated, and its volume kept its data.
      expect(s.dbContainer()).toBe(db);
      expect(docker("exec", db, "/bin/busybox", "cat", "/data/state")).toBe("kept");
      await settled(s);
      const [status] = (await s.server.api("GET", "/api/apps")).body;
      expect(status.serving).toMatchObject({ sha: s.app.head() });
      expect(status.serving.container.startsWith(s.webContainers()[0])).toBe(true);
    }, 300_000);

    it("keeps the old version serving, with no failed request, when the new one crashes", async () => {
      const before = await s.served();
      const load = startLoad(`http://${s.proxy.listen}/version.txt`, 100);
      const broken = dockerfile("STOPSIGNAL SIGKILL\n").replace(
        'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]',
        'CMD ["false"]',
      );
      const { id } = await s.deploy({ "web/Dockerfile": broken, "web/version.txt": "broken\n" });
      const d = await s.server.waitFor(id);
      const result = await load.stop();
      expect(d.status).toBe("failed");
      expect(d.error).toMatch(/health check failed: container \S+ exited with code 1/);
      expect(result.failures).toEqual([]);
      expect(await s.served()).toBe(before);
      await settled(s);
    }, 180_000);

    it("rolls back through the same switch, with the kept image and no failed request", async () => {
      const current = await s.served();
      const previous = (await s.server.api("GET", `/api/deployments?app=${s.name}&limit=50`)).body.filter(
        (d: { status: string }) => d.status === "succeeded",
      )[1];
      const load = startLoad(`http://${s.proxy.listen}/version.txt`, 100);
      const res = await s.server.api("POST", `/api/apps/${s.name}/rollback`, {});
      expect(res.status).toBe(202);
      const d = await s.server.waitFor(res.body.id);
      const result = await load.stop();
      expect(d.status, d.error ?? "").toBe("succeeded");
      expect(d.sha).toBe(previous.sha);
      expect(d.steps?.map((st) => st.name)).toEqual(["sync", "images", "start", "health", "switch", "finalize"]);
      expect(d.rebuilt).toEqual([]);
      expect(result.failures).toEqual([]);
      expect(await s.served()).not.toBe(current);
      await settled(s);
    }, 180_000);
  });
}
