import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { pushPayload, signed } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

// The dashboard in real headless Chromium against an in-process server whose deploys are recorded,
// not run (no Docker needed): what a person sees in the page, with states that are hard to reach for real
// (a deployment held running, payload values crafted as HTML). The real thing is test/e2e/ui.test.ts.
// Polls wait on conditions with generous deadlines: Chromium on a loaded machine is slow.
const poll = { timeout: 60_000, interval: 50 };

describe("dashboard (browser, recorded deploys)", () => {
  let srv: InProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  let release: () => void = () => {};

  const push = async (repo: string, after: string, pusher = "alice") => {
    const p = pushPayload({ fullName: repo, after });
    p.pusher.name = pusher;
    const req = await signed("push", p, SECRET);
    return srv.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
  };

  beforeAll(async () => {
    srv = await inProcessServer(
      { apps: { shop: { repo: "acme/shop", path: tmpdir(), branch: "main" } } },
      {
        // The second deployment stays running until the test releases it.
        execute: async (d) => {
          if (d.sha.startsWith("b")) await new Promise<void>((r) => (release = r));
          if (d.sha.startsWith("c")) throw new Error("never reached");
        },
      },
    );
    url = await srv.app.listen({ host: "127.0.0.1", port: 0 });
    await push("acme/shop", "a".repeat(40), '<img src=x onerror="window.pwned=1">');
    await srv.runtime.queue.idle();
    // Steps as the pipeline records them (the recording executor runs none).
    const [first] = srv.runtime.store.list({ app: "shop", limit: 1 });
    for (const [name, ms] of [
      ["sync", 120],
      ["plan", 700],
      ["build", 3900],
    ] as const) {
      srv.runtime.steps.start(first!.id, name);
      srv.runtime.steps.finish(first!.id, name, name === "build" ? "skipped" : "succeeded", ms, "detail");
    }
    await push("acme/shop", "b".repeat(40));
    await push("acme/shop", "c".repeat(40));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  afterAll(async () => {
    release();
    await browser?.close();
    await srv?.close();
  });

  it("asks for the token and refuses a wrong one", async () => {
    await page.goto(`${url}/`);
    expect(page.url()).toBe(`${url}/ui/`);
    await page.fill("#token", "wrong-token");
    await page.click("button[type=submit]");
    await expect.poll(() => page.textContent("#login-error"), poll).toContain("refused");
    expect(await page.isVisible("#dashboard")).toBe(false);
  });

  it("shows apps and deployments with their status, newest first", async () => {
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector("#deployments tbody tr", { timeout: 60_000 });
    expect(await page.textContent("#apps tbody")).toContain("shop");
    const rows = await page.$$eval("#deployments tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain("queued");
    expect(rows[0]).toContain("ccccccc");
    expect(rows[1]).toContain("running");
    expect(rows[2]).toContain("succeeded");
  });

  it("treats values from payloads as text, never as HTML", async () => {
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.$("#deployments img")).toBeNull();
    expect(await page.textContent("#deployments tbody")).toContain('<img src=x onerror="window.pwned=1">');
  });

  it("shows a finished deployment's steps with their durations", async () => {
    await page.locator("#deployments tbody tr", { hasText: "aaaaaaa" }).click();
    await expect.poll(() => page.textContent("#steps"), poll).toContain("sync 0.1 s");
    expect(await page.textContent("#steps")).toContain("build 3.9 s");
    expect(await page.getAttribute("#steps li:nth-child(3)", "class")).toBe("skipped");
  });

  it("cancels a queued deployment from its row", async () => {
    const queued = page.locator("#deployments tbody tr", { hasText: "ccccccc" });
    page.once("dialog", (d) => void d.accept()); // Cancel asks first
    await queued.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => queued.textContent(), poll).toContain("cancelled");
    expect(srv.runtime.store.get((await queued.getAttribute("data-id")) as string)?.status).toBe("cancelled");
  });

  it("follows a running deployment's log live and shows its end", async () => {
    const running = page.locator("#deployments tbody tr", { hasText: "bbbbbbb" });
    await running.click();
    await expect.poll(() => page.textContent("#log-status"), poll).toBe("running");
    const id = (await running.getAttribute("data-id")) as string;
    srv.runtime.logs.sink(id).line("== build (written while the page watches)");
    await expect.poll(() => page.textContent("#log"), poll).toContain("written while the page watches");
    release(); // the recording executor then marks it succeeded; the stream ends on that status
    await expect.poll(() => page.textContent("#log-status"), poll).toBe("succeeded");
    await page.screenshot({ path: join(tmpdir(), "deployer-dashboard.png"), fullPage: true });
  });

  it("keeps the token in localStorage only: never in the page, and the secret nowhere", async () => {
    // The page is signed in (earlier tests used the API through it), so the token is held: in localStorage.
    expect(await page.evaluate(() => localStorage.getItem("deployer.token"))).toBe(TOKEN);
    expect(await page.inputValue("#token")).toBe("");
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain(TOKEN);
    // What the server sends for the page itself holds neither.
    for (const path of ["/ui/", "/ui/app.js"]) {
      const body = await (await fetch(`${url}${path}`)).text();
      expect(body.length).toBeGreaterThan(100);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain(TOKEN);
    }
  });
});
