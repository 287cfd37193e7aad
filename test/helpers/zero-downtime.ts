import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { type AppFixture, createAppFixture, docker } from "./app-fixture.js";
import { pushPayload } from "./github.js";
import { startCaddy, startNginx, type TestProxy } from "./proxies.js";
import { type RunningServer, startServer } from "./server.js";

// Zero-downtime fixtures: an app whose web service runs behind a real Debian nginx or Caddy that the
// test starts on loopback ports, and deployer configured with zeroDowntime for it.

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

export interface ZdSetup {
  /** The app's name in deployer.yml (the fixture's own name is made unique for Compose). */
  name: string;
  app: AppFixture;
  proxy: TestProxy;
  server: RunningServer;
  served(): Promise<string | undefined>;
  deploy(files: Record<string, string | null>): Promise<{ id: string; sha: string }>;
  webContainers(): string[];
  dbContainer(): string;
}

export async function setUp(
  kind: "nginx" | "caddy",
  name: string,
  opts: { slowReload?: number } = {},
): Promise<ZdSetup> {
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
        zeroDowntime: { service: "web", port: 8080, proxy: proxy.config },
      },
    },
  });
  const s: ZdSetup = {
    name,
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

export async function tearDown(s: ZdSetup | undefined): Promise<void> {
  if (!s) return;
  await s.server.stop();
  await s.proxy.stop();
  s.app.destroy();
}

/** Waits until exactly `n` web containers run (the old one drains for `drain` seconds after a switch). */
export async function settled(s: ZdSetup, n = 1): Promise<void> {
  for (let i = 0; i < 100 && s.webContainers().length !== n; i++) await new Promise((r) => setTimeout(r, 200));
  expect(s.webContainers()).toHaveLength(n);
}
