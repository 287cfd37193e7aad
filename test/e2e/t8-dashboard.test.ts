import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { pushPayload, signed } from "../helpers/github.js";
import { type InProcess, inProcessServer, SECRET, TOKEN } from "../helpers/runtime.js";

// The dashboard on a phone, its confirmations, and the docs page under the strict CSP.
// No Docker: deploys are recorded, not run.
describe("t8 dashboard: phone width, confirmations, CSP", () => {
  let srv: InProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const dialogs: string[] = [];
  const cspErrors: string[] = [];
  let answer = false;
  let release: () => void = () => {};

  const push = async (after: string) => {
    const req = await signed("push", pushPayload({ fullName: "acme/t8-shop", after }), SECRET);
    return srv.app.inject({ method: "POST", url: "/webhook", headers: req.headers, payload: req.body });
  };

  beforeAll(async () => {
    srv = await inProcessServer(
      { apps: { "t8-shop": { repo: "acme/t8-shop", path: tmpdir(), branch: "main" } } },
      {
        execute: async (d) => {
          if (d.sha.startsWith("b")) await new Promise<void>((r) => (release = r));
        },
      },
    );
    url = await srv.app.listen({ host: "127.0.0.1", port: 0 });
    await push("a".repeat(40));
    await srv.runtime.queue.idle();
    const [first] = srv.runtime.store.list({ limit: 1 });
    srv.runtime.store.finish(
      first?.id as string,
      "failed",
      "local modifications in /srv/t8-shop/checkout: docker-compose.prod.yml, web/Dockerfile; commit, stash or revert them, then deploy again",
    );
    await push("b".repeat(40));
    await push("c".repeat(40));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void (answer ? dialog.accept() : dialog.dismiss());
    });
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    await page.goto(`${url}/ui/`);
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector("#deployments tbody tr");
  });

  afterAll(async () => {
    release();
    await browser?.close();
    await srv?.close();
  });

  it("at 390 px shows app, status, commit and error of every deployment without horizontal scroll", async () => {
    await page.screenshot({ path: join(tmpdir(), "t8-dashboard-390.png"), fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    for (const sel of ["#deployments tbody tr", "#apps tbody tr"]) {
      const overflow = await page.$$eval(sel, (trs) =>
        trs.flatMap((tr) => [...tr.querySelectorAll("td, .badge, button")].map((e) => e.getBoundingClientRect().right)),
      );
      expect(Math.max(...overflow)).toBeLessThanOrEqual(390);
    }
    const visible = async (text: string) => page.locator("#deployments tbody", { hasText: text }).isVisible();
    for (const text of ["t8-shop", "failed", "running", "queued", "aaaaaaa", "ccccccc", "local modifications"]) {
      expect(await visible(text), text).toBe(true);
    }
    const badges = await page.$$eval("#deployments .badge", (bs) => bs.map((b) => b.getBoundingClientRect().width));
    expect(badges.every((w) => w > 0)).toBe(true);
  });

  it("asks before Deploy, Roll back and Cancel, and does nothing when told no", async () => {
    const before = srv.runtime.store.list({}).length;
    answer = false;
    await page.locator("#apps").getByRole("button", { name: "Deploy" }).click();
    await page.locator("#apps").getByRole("button", { name: "Roll back" }).click();
    const queued = page.locator("#deployments tbody tr", { hasText: "ccccccc" });
    await queued.getByRole("button", { name: "Cancel" }).click();
    expect(dialogs).toEqual([
      expect.stringMatching(/^Deploy the head of t8-shop/),
      expect.stringMatching(/^Roll t8-shop back/),
      expect.stringMatching(/^Cancel deployment .* of t8-shop\?/),
    ]);
    expect(srv.runtime.store.list({}).length).toBe(before);
    expect(await queued.textContent()).toContain("queued");
    answer = true;
    await queued.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => queued.textContent()).toContain("cancelled");
  });

  it("renders the dashboard and the API docs with no CSP violation", async () => {
    await page.goto(`${url}/docs`);
    await page.waitForSelector(".swagger-ui .info", { timeout: 15_000 });
    await page.screenshot({ path: join(tmpdir(), "t8-docs-390.png") });
    expect(cspErrors).toEqual([]);
  });
});
