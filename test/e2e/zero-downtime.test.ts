import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, createAppFixture, docker, dockerfile } from "../helpers/app-fixture.js";
import { pushPayload } from "../helpers/github.js";
import { startLoad } from "../helpers/load.js";
import { startCaddy, startNginx, type TestProxy } from "../helpers/proxies.js";
import { type RunningServer, startServer } from "../helpers/server.js";

// Zero-downtime deploys through real Debian nginx and Caddy, started here on loopback ports, with a
// steady load through the proxy while deploys run.

/** web is the traffic service (ephemeral loopback port); db is stateful, with its own image and a volume. */
const compose = `services:
  web:
    build: ./web
    ports: ["127.0.0.1::8080"]
  db:
    build: ./db
    volumes: ["data:/data"]
volumes:
  data:
`;
const dbDockerfile = `FROM scratch
COPY busybox /bin/busybox
ENTRYPOINT ["/bin/busybox"]
CMD ["sleep", "100000"]
`;

interface ZdSetup {
  app: AppFixture;
  proxy: TestProxy;
  server: RunningServer;
  served(): Promise<string | undefined>;
  deploy(files: Record<string, string | null>): Promise<{ id: string; sha: string }>;
  webContainers(): string[];
  dbContainer(): string;
}

async function setUp(kind: "nginx" | "caddy", name: string, opts: { slowReload?: number } = {}): Promise<ZdSetup> {
  const app = await createAppFixture(name, { dockerfileExtra: "STOPSIGNAL SIGKILL\n" });
  mkdirSync(join(app.work, "db"), { recursive: true });
  copyFileSync("/bin/busybox", join(app.work, "db", "busybox"));
  app.push({ "docker-compose.prod.yml": compose, "db/Dockerfile": dbDockerfile }, "zero-downtime layout");
  const dir = join(app.root, kind);
  const proxy =
    kind === "nginx" ? await startNginx(dir, { slowReloadSeconds: opts.slowReload }) : await startCaddy(dir);
  const server = await startServer(join(app.root, "deployer"), {
    apps: {
      [name]: {
        repo: app.fullName,
        path: app.checkout,
        branch: "main",
        project: app.project,
        healthcheck: { url: `http://${proxy.listen}/version.txt`, timeout: 30 },
        zeroDowntime: { service: "web", port: 8080, drain: 1, proxy: proxy.config },
      },
    },
  });
  const s: ZdSetup = {
    app,
    proxy,
    server,
    async served() {
      try {
        const res = await fetch(`http://${proxy.listen}/version.txt`, { signal: AbortSignal.timeout(2000) });
        return res.ok ? (await res.text()).trim() : undefined;
      } catch {
        return undefined;
      }
    },
    async deploy(files) {
      const sha = app.push(files);
      const res = await s.server.push(pushPayload({ fullName: app.fullName, after: sha }));
      expect(res.status).toBe(202);
      return { id: res.body.id as string, sha };
    },
    webContainers: () =>
      docker(
        "ps",
        "-q",
        "--filter",
        `label=com.docker.compose.project=${app.project}`,
        "--filter",
        "label=com.docker.compose.service=web",
      )
        .split(/\s+/)
        .filter(Boolean),
    dbContainer: () =>
      docker(
        "ps",
        "-q",
        "--no-trunc",
        "--filter",
        `label=com.docker.compose.project=${app.project}`,
        "--filter",
        "label=com.docker.compose.service=db",
      ),
  };
  return s;
}

async function tearDown(s: ZdSetup | undefined): Promise<void> {
  if (!s) return;
  await s.server.stop();
  await s.proxy.stop();
  s.app.destroy();
}

/** Waits until exactly `n` web containers run (the old one drains for `drain` seconds after a switch). */
async function settled(s: ZdSetup, n = 1): Promise<void> {
  for (let i = 0; i < 100 && s.webContainers().length !== n; i++) await new Promise((r) => setTimeout(r, 200));
  expect(s.webContainers()).toHaveLength(n);
}

describe.each(["nginx", "caddy"] as const)("zero-downtime deploys through %s (e2e)", (kind) => {
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
    const previous = (await s.server.api("GET", `/api/deployments?app=${s.app.name}&limit=50`)).body.filter(
      (d: { status: string }) => d.status === "succeeded",
    )[1];
    const load = startLoad(`http://${s.proxy.listen}/version.txt`, 100);
    const res = await s.server.api("POST", `/api/apps/${s.app.name}/rollback`, {});
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
