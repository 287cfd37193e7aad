import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Found } from "../../../../src/pipeline/step.js";
import { fakePipeline, sha } from "../../../helpers/pipeline.js";

// Fake docker runner: which images the engine has, and every command run, with the engine it ran on.
const present = new Set<string>();
const calls: string[] = [];
let pullFails = false;
vi.mock("../../../../src/runners/docker.js", () => ({
  imageExists: vi.fn(async (ref: string) => present.has(ref)),
  pullImage: vi.fn(async (ref: string, opts: { env?: Record<string, string> }) => {
    calls.push(`pull ${ref} on ${opts.env?.DOCKER_HOST ?? "local"}`);
    if (pullFails) throw new Error(`docker pull ${ref} failed (exit 1): not found`);
    present.add(ref);
  }),
  tagImage: vi.fn(async (from: string, to: string) => {
    calls.push(`tag ${from} ${to}`);
    return true;
  }),
  imageTags: vi.fn(async () => []),
  removeImageTag: vi.fn(async () => undefined),
}));

const { pull, restoreFromRegistry } = await import("../../../../src/pipeline/steps/pull.js");

const YAML = `apps:
  shop:
    repo: acme/shop
    path: /srv/shop
    branch: main
    registry: 127.0.0.1:5000
    hosts:
      - { name: a }
      - { name: b, docker: "unix:///run/b.sock" }
`;
const B = { name: "b", dockerHost: "unix:///run/b.sock", env: {} };
const WEB = { name: "web", image: "shop-web", build: { context: "/srv/shop/web", dockerfile: "Dockerfile" } };
const REDIS = { name: "redis", image: "redis:7" };
const found: Found = {
  plan: { target: { project: "shop", files: ["c.yml"] }, services: [WEB, REDIS], rebuild: [] },
};

let p = fakePipeline(YAML);
const stepCtx = (n: number) => ({ ...p.context(p.claim(n)), host: B, deadline: Date.now() + 5000, stepSeconds: 5 });
beforeEach(() => {
  present.clear();
  calls.length = 0;
  pullFails = false;
});
afterEach(() => {
  p.db.close();
  p = fakePipeline(YAML);
});

describe("pull", () => {
  it("pulls each built service's pushed image on the host's engine and gives it the service's own image name", async () => {
    const ctx = stepCtx(2);
    const out = await pull(ctx, found);
    const ref = `127.0.0.1:5000/shop-web:${sha(2)}`;
    expect(calls).toEqual([`pull ${ref} on unix:///run/b.sock`, `tag ${ref} shop-web`]);
    expect(out.detail).toMatch(/^pulled web \(0000000 from 127\.0\.0\.1:5000\); 0 old local tag\(s\) pruned$/);
    expect(ctx.touched.has("images")).toBe(true);
  });

  it("does not pull what the engine has (the one that built and pushed it)", async () => {
    present.add(`127.0.0.1:5000/shop-web:${sha(2)}`);
    const out = await pull(stepCtx(2), found);
    expect(calls).toEqual([`tag 127.0.0.1:5000/shop-web:${sha(2)} shop-web`]);
    expect(out.detail).toContain("already here: web");
  });

  it("fails the host when the registry cannot give the image", async () => {
    pullFails = true;
    await expect(pull(stepCtx(2), found)).rejects.toThrow(/docker pull 127\.0\.0\.1:5000\/shop-web:0+2 failed/);
    expect(calls.filter((c) => c.startsWith("tag"))).toEqual([]);
  });

  it("skips an app that builds nothing", async () => {
    const none: Found = { plan: { ...found.plan!, services: [REDIS] } };
    expect(await pull(stepCtx(2), none)).toEqual({ detail: "skipped: no service is built", skipped: true });
  });
});

describe("rollback from the registry", () => {
  it("restores a commit's image from the registry, and leaves for a build what the registry cannot give", async () => {
    const ctx = stepCtx(3);
    expect(await restoreFromRegistry(ctx, "shop", [WEB, REDIS], sha(1))).toEqual(["web"]);
    expect(calls).toEqual([
      `pull 127.0.0.1:5000/shop-web:${sha(1)} on unix:///run/b.sock`,
      `tag 127.0.0.1:5000/shop-web:${sha(1)} shop-web`,
    ]);
    calls.length = 0;
    pullFails = true;
    expect(await restoreFromRegistry(stepCtx(4), "shop", [{ ...WEB }], sha(9))).toEqual([]);
    expect(p.lines.at(-1)).toMatch(
      /^no image of web for 0000000 from 127\.0\.0\.1:5000: .*shop-web:0+9 failed.*not found/,
    );
  });

  it("does nothing without a registry", async () => {
    const q = fakePipeline();
    const ctx = { ...q.context(q.claim(2)), deadline: Date.now() + 5000, stepSeconds: 5 };
    expect(await restoreFromRegistry(ctx, "shop", [WEB], sha(1))).toEqual([]);
    expect(calls).toEqual([]);
    q.db.close();
  });
});
