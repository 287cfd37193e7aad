/* biome-ignore-all lint/suspicious/noTemplateCurlyInString: deployer's own per-host ${VAR}s, not JavaScript's */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { docker, freePort } from "../helpers/app-fixture.js";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { CLI } from "../helpers/server.js";
import { startTestSshd, type TestSshd } from "../helpers/test-sshd.js";

// An ssh:// host: Debian's sshd on a loopback port, a key the test generated (held by an ssh-agent
// the server inherits), and behind it this machine's own engine.
const COMPOSE = `services:\n  web:\n    build: ./web\n    ports: ["127.0.0.1:\${PORT}:8080"]\n`;

function check(cwd: string, configFile: string): Promise<{ code: number; out: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, "check", "--config", configFile], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (out += c));
    child.on("exit", (code) => resolve({ code: code ?? -1, out, ms: Date.now() - t0 }));
  });
}

describe("an ssh:// host (e2e, sshd on loopback)", () => {
  let sshd: TestSshd;
  let sc: Scenario;
  let port = 0;
  const savedAgent = process.env.SSH_AUTH_SOCK;

  beforeAll(async () => {
    sshd = await startTestSshd(await freePort());
    port = await freePort();
    process.env.SSH_AUTH_SOCK = sshd.agentSocket; // the server inherits it, as from a user's session
    sc = await scenario("h12-ssh", {
      composeFiles: ["h12.yml"],
      hosts: [{ name: "s", docker: sshd.dockerHost, env: { PORT: String(port) } }],
      healthcheck: { url: "http://${HOST}:${PORT}/version.txt", timeout: 20 },
    });
  }, 60_000);

  afterAll(async () => {
    await sc?.server.stop();
    try {
      const ids = docker("ps", "-aq", "--filter", "label=com.docker.compose.project=h12-ssh");
      for (const id of ids.split(/\s+/).filter(Boolean)) docker("rm", "-f", id);
      const refs = docker("images", "--format", "{{.Repository}}:{{.Tag}}", "h12-ssh_web");
      for (const ref of refs.split(/\s+/).filter(Boolean)) docker("rmi", ref);
    } catch {}
    await sc?.destroy();
    sshd?.stop();
    if (savedAgent === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = savedAgent;
  }, 60_000);

  it("a host key ssh would ask about fails at once instead of waiting for an answer", async () => {
    const r = await check(sc.server.dir, sc.server.configFile);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`host s (${sshd.dockerHost}) is unreachable`);
    expect(r.out).toContain("Host key verification failed");
    expect(r.ms).toBeLessThan(20_000);
  }, 60_000);

  it("once the host key is known, check reaches it and a deploy builds and runs there over ssh", async () => {
    sshd.trust();
    const r = await check(sc.server.dir, sc.server.configFile);
    expect(r.out).not.toContain("unreachable");

    const { id } = await sc.push({ "h12.yml": COMPOSE, "web/version.txt": "over-ssh\n" });
    const d = await sc.server.waitFor(id, 180_000);
    expect(d.status, d.error ?? "").toBe("succeeded");
    expect((d.steps ?? []).map((s) => s.name)).toEqual(expect.arrayContaining(["build@s", "up@s", "health@s"]));
    const res = await fetch(`http://127.0.0.1:${port}/version.txt`);
    expect((await res.text()).trim()).toBe("over-ssh");
  }, 240_000);
});
