import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Scenario, scenario } from "../helpers/e2e.js";
import { FakeApi } from "../helpers/fake-api.js";

// A real deploy (real git, real Docker engine) that reports to a FAKE GitHub API and a FAKE
// notification endpoint: local HTTP servers that record every request, standing in for SaaS this
// machine cannot reach.
describe("reporting back from a real deploy (e2e)", () => {
  const token = "r11-forge-token-0123456789";
  const github = new FakeApi((req) =>
    req.path.endsWith("/deployments") ? { status: 201, body: { id: 77, url: "x" } } : { status: 201, body: { id: 1 } },
  );
  const hook = new FakeApi(() => ({ status: 200, body: {} }));
  let sc: Scenario;

  beforeAll(async () => {
    await github.start();
    await hook.start();
    sc = await scenario("r11report", () => ({
      report: { token, apiUrl: github.url, deployments: true, environment: "production" },
      notify: [{ type: "webhook", url: `${hook.url}/deployer`, secret: "r11-notify-secret" }],
    }));
  }, 120_000);
  afterAll(async () => {
    await sc?.destroy();
    await github.close();
    await hook.close();
  });

  it("sets the commit status and forge deployment, notifies, and lists the reports in the API and CLI", async () => {
    const sha = await sc.deployVersion("r11-v1");
    const [d] = (await sc.server.api("GET", `/api/deployments?app=${sc.name}&limit=1`)).body;
    const until = Date.now() + 60_000;
    while (
      Date.now() < until &&
      !github.requests.some((r) => r.json?.state === "success" && r.path.includes("/statuses/"))
    )
      await new Promise((r) => setTimeout(r, 200));

    expect(github.requests.map((r) => `${r.method} ${r.path} ${r.json?.state ?? ""}`)).toEqual([
      `POST /repos/${sc.app.fullName}/statuses/${sha} pending`,
      `POST /repos/${sc.app.fullName}/deployments `,
      `POST /repos/${sc.app.fullName}/deployments/77/statuses in_progress`,
      `POST /repos/${sc.app.fullName}/statuses/${sha} success`,
      `POST /repos/${sc.app.fullName}/deployments/77/statuses success`,
    ]);
    for (const r of github.requests) expect(r.headers.authorization).toBe(`token ${token}`);

    for (let i = 0; i < 100 && hook.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(hook.requests[0]?.headers["x-deployer-signature-256"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook.requests[0]?.json).toMatchObject({ app: sc.name });

    const full = (await sc.server.api("GET", `/api/deployments/${d.id}`)).body;
    expect(full.reports.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(full)).not.toContain(token);
    const logs = await sc.server.cli("logs", d.id);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/github-status/);
    expect(logs.stdout).not.toContain(token);
  }, 240_000);
});
