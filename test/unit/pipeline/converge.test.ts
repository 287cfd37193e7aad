import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ZeroDowntime } from "../../../src/config/schema.js";
import type { AppProxy } from "../../../src/proxies/types.js";
import type { ContainerState } from "../../../src/runners/docker.js";
import { openMemoryStore } from "../../helpers/store.js";

// A fake engine: the traffic service's containers, and what converge removes.
let containers: ContainerState[] = [];
const removed: string[] = [];
vi.mock("../../../src/runners/docker.js", () => ({
  serviceContainers: vi.fn(async () => containers.map((c) => c.id)),
  inspectContainers: vi.fn(async (ids: string[]) => containers.filter((c) => ids.includes(c.id))),
  removeContainers: vi.fn(async (ids: string[]) => {
    removed.push(...ids);
  }),
}));
const { converge } = await import("../../../src/pipeline/converge.js");

const zd = { service: "web", port: 8080, drain: 5, proxy: { caddy: { admin: "a", listen: "l:1" } } } as ZeroDowntime;
const target = { project: "shop", files: ["docker-compose.yml"] };
const container = (id: string, port: number, created: string, running = true): ContainerState => ({
  id,
  name: `shop_web_${id}`,
  running,
  restarting: false,
  exitCode: running ? 0 : 137,
  oneOff: false,
  health: undefined,
  created,
  restartCount: 0,
  ports: { "8080/tcp": running ? [`127.0.0.1:${port}`] : [] },
});

function fakeProxy(upstream: string | undefined) {
  const switches: string[] = [];
  const proxy: AppProxy = {
    kind: "nginx",
    url: undefined,
    current: async () => upstream,
    switchTo: async (u) => {
      switches.push(u);
      upstream = u;
    },
  };
  return { proxy, switches };
}

beforeEach(() => {
  removed.length = 0;
});

describe("converge", () => {
  it("after a crash mid-switch, keeps the container the proxy points at, applies it again and removes the other", async () => {
    containers = [container("old", 1001, "2026-01-01T00:00:00Z"), container("new", 1002, "2026-01-01T00:01:00Z")];
    const { serving } = openMemoryStore();
    serving.set("shop", { container: "old", name: "shop_web_old", address: "127.0.0.1:1001", sha: "a", since: "t0" });
    const { proxy, switches } = fakeProxy("127.0.0.1:1002");
    const opts = { step: "t", timeoutMs: 1000 };
    const now = await converge("shop", target, zd, { proxy, serving, opts, reapply: true });
    expect(now).toMatchObject({ container: "new", address: "127.0.0.1:1002", sha: null });
    expect(removed).toEqual(["old"]);
    expect(switches).toEqual(["127.0.0.1:1002"]);
    expect(serving.get("shop")?.container).toBe("new");
  });

  it("points the proxy back at the recorded container when the proxy's upstream is gone", async () => {
    containers = [
      container("old", 1001, "2026-01-01T00:00:00Z"),
      container("dead", 1003, "2026-01-01T00:02:00Z", false),
    ];
    const { serving } = openMemoryStore();
    serving.set("shop", { container: "old", name: "shop_web_old", address: "127.0.0.1:1001", sha: "a", since: "t0" });
    const { proxy, switches } = fakeProxy("127.0.0.1:1003");
    const now = await converge("shop", target, zd, { proxy, serving, opts: { step: "t", timeoutMs: 1000 } });
    expect(now).toEqual({ container: "old", name: "shop_web_old", address: "127.0.0.1:1001", sha: "a", since: "t0" });
    expect(switches).toEqual(["127.0.0.1:1001"]);
    expect(removed).toEqual(["dead"]);
  });

  it("with no record and no proxy config, keeps the newest running container", async () => {
    containers = [container("a", 1001, "2026-01-01T00:00:00Z"), container("b", 1002, "2026-01-01T00:05:00Z")];
    const { serving } = openMemoryStore();
    const { proxy, switches } = fakeProxy(undefined);
    const now = await converge("shop", target, zd, { proxy, serving, opts: { step: "t", timeoutMs: 1000 } });
    expect(now?.container).toBe("b");
    expect(switches).toEqual(["127.0.0.1:1002"]);
    expect(removed).toEqual(["a"]);
  });

  it("does nothing when nothing runs yet", async () => {
    containers = [];
    const { serving } = openMemoryStore();
    const { proxy, switches } = fakeProxy(undefined);
    expect(
      await converge("shop", target, zd, { proxy, serving, opts: { step: "t", timeoutMs: 1000 } }),
    ).toBeUndefined();
    expect(switches).toEqual([]);
    expect(removed).toEqual([]);
  });

  it("during a deploy, leaves a proxy alone that already points at the serving container", async () => {
    containers = [container("a", 1001, "2026-01-01T00:00:00Z")];
    const { serving } = openMemoryStore();
    const { proxy, switches } = fakeProxy("127.0.0.1:1001");
    await converge("shop", target, zd, { proxy, serving, opts: { step: "t", timeoutMs: 1000 } });
    expect(switches).toEqual([]);
  });
});
