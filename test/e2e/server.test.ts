import { existsSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { appWithGoodDeploys, destroyScenarios, scenario } from "../helpers/e2e.js";
import { pushPayload, signed } from "../helpers/github.js";
import { SECRET, TOKEN } from "../helpers/server.js";
import { waitFor } from "../helpers/wait.js";

// The `serve` process as an operator sees it: signals, its log file, and what that log holds.
describe("the serve process (e2e)", () => {
  afterEach(destroyScenarios);

  const answers = (url: string) =>
    fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.ok,
      () => false,
    );
  const exited = (sc: { server: { proc: { exitCode: number | null; signalCode: string | null } } }) =>
    sc.server.proc.exitCode !== null || sc.server.proc.signalCode !== null;

  it("reopens its log file on SIGHUP (after logrotate moved it)", async () => {
    const sc = await scenario("sighup");
    const file = join(sc.server.dir, "deployer.log");
    await sc.server.logFile(["deployer serving"]);
    renameSync(file, `${file}.1`);
    sc.server.proc.kill("SIGHUP");
    // Something to log once the signal is handled (it arrives asynchronously): API calls are logged as requests.
    let n = 0;
    await waitFor(
      "a fresh deployer.log",
      async () => {
        await sc.server.api("GET", `/api/apps?after=sighup-${++n}`);
        return existsSync(file) && readFileSync(file, "utf8").includes("after=sighup-");
      },
      { intervalMs: 500 },
    );
    // The moved file keeps what was written before; the fresh one starts after the reopen.
    expect(readFileSync(`${file}.1`, "utf8")).toContain("deployer serving");
    expect(readFileSync(file, "utf8")).not.toContain("deployer serving");
    expect(exited(sc)).toBe(false);
  });

  it("never writes the webhook secret or the API token to deployer.log or the console", async () => {
    const { sc, shas } = await appWithGoodDeploys(
      "logsecret",
      ["s1"],
      // A hook that prints both secrets: the deploy summary lines must not carry them either.
      { hooks: { postDeploy: [["/bin/sh", "-c", `echo ${SECRET} ${TOKEN}; echo ${SECRET} >&2`]] } },
    );
    const { server, app } = sc;
    // A signed webhook (signature header), API calls with the token and with a wrong token.
    const req = await signed("push", pushPayload({ fullName: app.fullName, after: shas[0] as string }), SECRET);
    const res = await fetch(`${server.url}/webhook?marker=signed`, {
      method: "POST",
      headers: req.headers,
      body: req.body,
    });
    expect(res.status).toBe(202);
    const again = await server.waitFor(((await res.json()) as { id: string }).id);
    expect(again.status, again.error ?? "").toBe("succeeded");
    expect((await server.api("GET", "/api/apps?marker=token")).status).toBe(200);
    const wrong = await fetch(`${server.url}/api/apps?marker=wrong`, {
      headers: { authorization: `Bearer ${SECRET}` },
    });
    expect(wrong.status).toBe(401);

    const log = await server.logFile(["marker=signed", "marker=token", "marker=wrong", `${sc.name}`]);
    const signature = req.headers["x-hub-signature-256"] as string;
    for (const text of [log, server.output()]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(signature.slice("sha256=".length));
    }
  });

  it("on SIGTERM keeps answering while a running deploy finishes, then exits", async () => {
    const { sc, shas } = await appWithGoodDeploys("sigterm", ["t1"]);
    // The signal lands in the last long step (postDeploy), so what is left of the deploy (the hook, then
    // finalize) fits the fixed 30 s grace even on a heavily loaded machine; `up` and health are already done.
    await sc.reconfigure({
      hooks: { postDeploy: [["/bin/sh", "-c", "touch ../hook-started; sleep 10"]] },
    });
    const { id, sha } = await sc.push({ "web/version.txt": "t2\n" });
    await sc.server.waitForStep(id, "postDeploy");
    await waitFor("the hook to start", () => existsSync(join(sc.app.root, "hook-started")));
    sc.server.proc.kill("SIGTERM");
    // No new deployment starts, but the server keeps answering (webhooks are stored for the next
    // start) while the running deploy finishes.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await answers(sc.server.url)).toBe(true);
    expect(exited(sc)).toBe(false);
    await waitFor("serve to exit", () => exited(sc), { timeoutMs: 60_000 });
    expect(sc.server.proc.exitCode).toBe(0);
    await sc.restart();
    const d = await sc.server.deployment(id);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect(d.previousSha).toBe(shas[0]);
    expect(await sc.app.served()).toBe("t2");
    // Nothing was left to resume.
    const [last] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(last).toMatchObject({ id, sha });
  });

  it("on SIGTERM gives a running deploy 30 s, and resumes it on the next start", async () => {
    const { sc } = await appWithGoodDeploys("sigtermcut", ["t1"]);
    await sc.reconfigure({
      hooks: { preDeploy: [["/bin/sh", "-c", "test -f ../resumed || { touch ../resumed; exec sleep 600; }"]] },
    });
    const { id, sha } = await sc.push({ "web/version.txt": "t2\n" });
    await sc.server.waitForStep(id, "preDeploy");
    await waitFor("the hook to start", () => existsSync(join(sc.app.root, "resumed")));
    const t0 = Date.now();
    sc.server.proc.kill("SIGTERM");
    await waitFor("serve to exit after its grace", () => exited(sc), { timeoutMs: 90_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(29_000);
    expect(sc.server.proc.exitCode).toBe(0);

    await sc.restart();
    const interrupted = await sc.server.deployment(id);
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toBe("interrupted: deployer stopped while this deployment was running (in preDeploy)");
    const [recovery] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    expect(recovery).toMatchObject({ trigger: "recovery", sha });
    const done = await sc.server.waitFor(recovery.id);
    expect(done.status, done.error ?? "").toBe("succeeded");
    expect(await sc.app.served()).toBe("t2");
  });
});
