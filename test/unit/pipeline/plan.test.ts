import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REBUILD_ON } from "../../../src/config/types.js";
import { type BuiltService, type PlanInput, planRebuild } from "../../../src/pipeline/plan.js";
import { describeBuild } from "../../../src/pipeline/plan-input.js";

const svc = (name: string, context: string | undefined, extra: Partial<BuiltService> = {}): BuiltService => ({
  name,
  context,
  dockerfile: context === undefined ? undefined : context === "" ? "Dockerfile" : `${context}/Dockerfile`,
  dockerignore: [],
  ...extra,
});

const web = svc("web", "web");
const api = svc("api", "services/api");

interface Case {
  name: string;
  changed: string[];
  services?: BuiltService[];
  rebuildOn?: string[];
  trigger?: boolean;
  missingImages?: string[];
  rebuilt: string[];
  /** A substring expected in the reasons of every rebuilt service. */
  reason?: string;
}

const cases: Case[] = [
  { name: "nothing changed", changed: [], rebuilt: [] },
  { name: "a file inside one context", changed: ["web/app.py"], rebuilt: ["web"], reason: "changed in build context" },
  { name: "a nested file inside a context", changed: ["services/api/src/deep/x.ts"], rebuilt: ["api"] },
  { name: "files in both contexts", changed: ["web/a", "services/api/b"], rebuilt: ["web", "api"] },
  { name: "README only", changed: ["README.md"], rebuilt: [] },
  { name: "docs only", changed: ["docs/guide.md", "docs/img/x.png", ".github/workflows/ci.yml"], rebuilt: [] },
  { name: "the compose file itself", changed: ["docker-compose.prod.yml"], rebuilt: [] },
  {
    name: "a sibling dir sharing the context's prefix",
    changed: ["webapp/x", "web2/y", "services/api-docs/z"],
    rebuilt: [],
  },
  { name: "a file named like the context dir", changed: ["web"], rebuilt: [] },
  {
    name: "a dockerignored file",
    changed: ["web/notes.md"],
    services: [svc("web", "web", { dockerignore: ["*.md"] })],
    rebuilt: [],
  },
  {
    name: "a file inside a dockerignored directory",
    changed: ["web/node_modules/left-pad/index.js", "web/tests/a.test.js"],
    services: [svc("web", "web", { dockerignore: ["node_modules", "tests/"] })],
    rebuilt: [],
  },
  {
    name: "a dockerignored file matched by **",
    changed: ["web/a/b/c.log"],
    services: [svc("web", "web", { dockerignore: ["**/*.log"] })],
    rebuilt: [],
  },
  {
    name: "dockerignore patterns written as /dir and ./dir (Docker cleans them)",
    changed: ["web/node_modules/x.js", "web/tests/a.py"],
    services: [svc("web", "web", { dockerignore: ["/node_modules", "./tests"] })],
    rebuilt: [],
  },
  {
    name: "a root-anchored dockerignore pattern does not hide a nested dir of the same name",
    changed: ["web/src/node_modules/x.js"],
    services: [svc("web", "web", { dockerignore: ["/node_modules"] })],
    rebuilt: ["web"],
  },
  {
    name: "a file re-included with !",
    changed: ["web/README.md"],
    services: [svc("web", "web", { dockerignore: ["*.md", "!README.md"] })],
    rebuilt: ["web"],
  },
  {
    name: "an ignored file next to a re-included one",
    changed: ["web/CHANGELOG.md"],
    services: [svc("web", "web", { dockerignore: ["*.md", "!README.md"] })],
    rebuilt: [],
  },
  {
    name: "an ignore-everything context with a re-included dir",
    changed: ["web/src/main.py"],
    services: [svc("web", "web", { dockerignore: ["*", "!src"] })],
    rebuilt: ["web"],
  },
  {
    name: "a file outside the re-included dir of an ignore-everything context",
    changed: ["web/docs/x.md"],
    services: [svc("web", "web", { dockerignore: ["*", "!src"] })],
    rebuilt: [],
  },
  {
    name: "the context's own .dockerignore, even when it lists itself",
    changed: ["web/.dockerignore"],
    services: [svc("web", "web", { dockerignore: [".dockerignore"] })],
    rebuilt: ["web"],
  },
  {
    name: "a Dockerfile outside the context",
    changed: ["docker/web.Dockerfile"],
    services: [svc("web", "web/src", { dockerfile: "docker/web.Dockerfile" })],
    rebuilt: ["web"],
    reason: "docker/web.Dockerfile changed",
  },
  {
    name: "a dockerignored Dockerfile (Docker still sends it)",
    changed: ["web/Dockerfile"],
    services: [svc("web", "web", { dockerignore: ["Dockerfile"] })],
    rebuilt: ["web"],
    reason: "web/Dockerfile changed",
  },
  {
    name: "another service's Dockerfile in a shared dir",
    changed: ["docker/api.Dockerfile"],
    services: [
      svc("web", "web", { dockerfile: "docker/web.Dockerfile" }),
      svc("api", "api", { dockerfile: "docker/api.Dockerfile" }),
    ],
    rebuilt: ["api"],
  },
  {
    name: "rebuildOn Dockerfile* matching a nested file, for every built service",
    changed: ["deploy/nested/Dockerfile.prod"],
    rebuildOn: ["Dockerfile*"],
    rebuilt: ["web", "api"],
    reason: "rebuildOn matched deploy/nested/Dockerfile.prod",
  },
  {
    name: "rebuildOn requirements.txt at the root",
    changed: ["requirements.txt"],
    rebuildOn: ["requirements.txt"],
    rebuilt: ["web", "api"],
  },
  {
    name: "a rebuildOn glob that does not match",
    changed: ["docs/Dockerfile-guide.md"],
    rebuildOn: ["Dockerfile", "requirements.txt"],
    rebuilt: [],
  },
  {
    name: "a rebuildOn pattern with a slash, not matching the same name elsewhere",
    changed: ["docs/config/app.yml"],
    rebuildOn: ["config/*.yml"],
    rebuilt: [],
  },
  {
    name: "an empty rebuildOn list",
    changed: ["requirements.txt", "Dockerfile"],
    rebuildOn: [],
    rebuilt: [],
  },
  ...["requirements.txt", "Dockerfile", "Dockerfile.dev", "Dockerfile.prod", ".dockerignore", ".env"].map(
    (file): Case => ({
      name: `default rebuildOn: ${file} in a subdirectory`,
      changed: [`deploy/${file}`],
      rebuildOn: DEFAULT_REBUILD_ON,
      rebuilt: ["web", "api"],
      reason: "rebuildOn matched",
    }),
  ),
  {
    name: "default rebuildOn: README is not in the list",
    changed: ["README.md", "docs/Dockerfile.md"],
    rebuildOn: DEFAULT_REBUILD_ON,
    rebuilt: [],
  },
  {
    name: "REBUILD_TRIGGER with no changes",
    changed: [],
    trigger: true,
    rebuilt: ["web", "api"],
    reason: "REBUILD_TRIGGER",
  },
  {
    name: "a missing image, only for that service",
    changed: [],
    missingImages: ["api"],
    rebuilt: ["api"],
    reason: "image missing",
  },
  {
    name: 'root context "": any file not dockerignored',
    changed: ["README.md"],
    services: [svc("app", "")],
    rebuilt: ["app"],
  },
  {
    name: 'root context "": a dockerignored README',
    changed: ["README.md", "docs/a.md"],
    services: [svc("app", "", { dockerignore: ["README.md", "docs"] })],
    rebuilt: [],
  },
  {
    name: 'root context "": the Dockerfile',
    changed: ["Dockerfile"],
    services: [svc("app", "", { dockerignore: ["Dockerfile"] })],
    rebuildOn: [],
    rebuilt: ["app"],
  },
  {
    name: "a context outside the repo or remote (undefined): only forced rebuilds",
    changed: ["anything/at/all", "x"],
    services: [svc("remote", undefined)],
    rebuilt: [],
  },
  {
    name: "three services, only the affected one",
    changed: ["services/api/handler.go", "README.md"],
    services: [web, api, svc("worker", "worker")],
    rebuilt: ["api"],
  },
];

describe("planRebuild", () => {
  it.each(cases)("$name → $rebuilt", (c) => {
    const input: PlanInput = {
      changed: c.changed,
      services: c.services ?? [web, api],
      rebuildOn: c.rebuildOn ?? [],
      trigger: c.trigger ?? false,
      ...(c.missingImages ? { missingImages: c.missingImages } : {}),
    };
    const plan = planRebuild(input);
    expect(plan.map((p) => p.service)).toEqual(c.rebuilt);
    for (const p of plan) {
      expect(p.reasons.length).toBeGreaterThan(0);
      if (c.reason) expect(p.reasons.join("; ")).toContain(c.reason);
    }
  });

  it("matches a rebuildOn pattern with a slash against the whole path", () => {
    const plan = planRebuild({
      changed: ["config/app.yml"],
      services: [web, api],
      rebuildOn: ["config/*.yml"],
      trigger: false,
    });
    expect(plan.map((p) => p.service)).toEqual(["web", "api"]);
  });

  it("matches path patterns and basename patterns given together", () => {
    const plan = planRebuild({
      changed: ["config/app.yml"],
      services: [web],
      rebuildOn: ["Dockerfile*", "config/**"],
      trigger: false,
    });
    expect(plan.map((p) => p.service)).toEqual(["web"]);
  });

  it("keeps the services' order and lists every reason that applies", () => {
    const plan = planRebuild({
      changed: ["web/Dockerfile", "web/app.py", "requirements.txt"],
      services: [web],
      rebuildOn: DEFAULT_REBUILD_ON,
      trigger: true,
      missingImages: ["web"],
    });
    expect(plan).toHaveLength(1);
    const reasons = plan[0]!.reasons.join("\n");
    for (const r of [
      "REBUILD_TRIGGER",
      "image missing",
      "rebuildOn matched",
      "web/Dockerfile changed",
      "build context",
    ]) {
      expect(reasons).toContain(r);
    }
  });

  it("keeps the reason short when many files changed", () => {
    const changed = Array.from({ length: 100 }, (_, i) => `web/file${i}.txt`);
    const [p] = planRebuild({ changed, services: [web], rebuildOn: [], trigger: false });
    expect(p!.reasons.join("").length).toBeLessThan(200);
  });

  it("does not mutate its input", () => {
    const input: PlanInput = Object.freeze({
      changed: Object.freeze(["web/a"]) as string[],
      services: Object.freeze([Object.freeze({ ...web, dockerignore: Object.freeze(["*.md"]) as string[] })]),
      rebuildOn: Object.freeze(["Dockerfile"]) as string[],
      trigger: false,
    }) as PlanInput;
    expect(planRebuild(input).map((p) => p.service)).toEqual(["web"]);
  });
});

describe("describeBuild (what the planner gets from compose and the checkout)", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "deployer-plan-"));
    mkdirSync(join(root, "web"), { recursive: true });
    writeFileSync(join(root, "web", ".dockerignore"), "# comment\n\n*.md\r\n!README.md\n  node_modules  \n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("makes the context and Dockerfile repo-relative and reads the context's .dockerignore", () => {
    const b = describeBuild(root, {
      name: "web",
      image: "x",
      build: { context: join(root, "web"), dockerfile: "Dockerfile" },
    });
    expect(b).toEqual({
      name: "web",
      context: "web",
      dockerfile: "web/Dockerfile",
      dockerignore: ["*.md", "!README.md", "node_modules"],
    });
  });

  it("resolves a Dockerfile outside the context", () => {
    const b = describeBuild(root, {
      name: "web",
      image: "x",
      build: { context: join(root, "web"), dockerfile: "../docker/web.Dockerfile" },
    });
    expect(b.dockerfile).toBe("docker/web.Dockerfile");
  });

  it('uses "" for the repo root and no ignore list when there is no .dockerignore', () => {
    const b = describeBuild(root, { name: "app", image: "x", build: { context: root, dockerfile: "Dockerfile" } });
    expect(b).toEqual({ name: "app", context: "", dockerfile: "Dockerfile", dockerignore: [] });
  });

  it("has no context for a remote (git URL) build context", () => {
    const b = describeBuild(root, {
      name: "r",
      image: "x",
      build: { context: "https://github.com/acme/shop.git#main", dockerfile: "Dockerfile" },
    });
    expect(b.context).toBeUndefined();
    expect(b.dockerfile).toBeUndefined();
  });

  it("has no context when the context is outside the checkout", () => {
    const b = describeBuild(join(root, "web"), {
      name: "o",
      image: "x",
      build: { context: root, dockerfile: "Dockerfile" },
    });
    expect(b.context).toBeUndefined();
  });

  it("does not take a directory whose name starts with `..` for one outside the checkout", () => {
    mkdirSync(join(root, "..cache"), { recursive: true });
    const b = describeBuild(root, {
      name: "dots",
      image: "x",
      build: { context: join(root, "..cache"), dockerfile: "Dockerfile" },
    });
    expect(b.context).toBe("..cache");
  });
});

describe("planRebuild on an app's first deployment", () => {
  it("rebuilds every built service even with no change, since an existing image may come from anywhere", () => {
    const services = [
      { name: "web", context: "web", dockerfile: "web/Dockerfile", dockerignore: [] },
      { name: "worker", context: "worker", dockerfile: "worker/Dockerfile", dockerignore: [] },
    ];
    const plan = planRebuild({ changed: [], services, rebuildOn: [], trigger: false, firstDeploy: true });
    expect(plan.map((p) => p.service)).toEqual(["web", "worker"]);
    expect(plan[0]?.reasons).toContain("first deployment of this app by deployer");
  });
});
