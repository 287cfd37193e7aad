import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/browser.js";
import { appWithGoodDeploys, destroyScenarios, type Scenario } from "../helpers/e2e.js";
import { SECRET, TOKEN } from "../helpers/server.js";

// The dashboard in headless Chromium against the real server (the built CLI), real git and the
// real Docker engine: a person signs in, clicks Deploy and Roll back, and sees the outcome, which the
// app itself then serves. Each test builds its own app.
// Polls wait on conditions with generous deadlines: builds on a loaded machine are slow.
const poll = { timeout: 180_000, interval: 100 };

describe("dashboard (e2e, browser)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(destroyScenarios);

  async function openSignedIn(sc: Scenario): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${sc.server.url}/`);
    await page.fill("#token", TOKEN);
    await page.click("button[type=submit]");
    await page.locator("#apps tbody tr", { hasText: sc.name }).waitFor({ timeout: 60_000 });
    return page;
  }
  const topRow = (page: Page) => page.locator("#deployments tbody tr").first();

  it("refuses a wrong token, keeps a right one across reloads, and forgets it on sign-out", async () => {
    const { sc } = await appWithGoodDeploys("uitoken", []);
    const page = await browser.newPage();
    try {
      await page.goto(`${sc.server.url}/`);
      expect(page.url()).toBe(`${sc.server.url}/ui/`);
      expect(await page.isVisible("#login")).toBe(true);

      await page.fill("#token", "wrong-token");
      await page.click("button[type=submit]");
      await expect.poll(() => page.textContent("#login-error"), poll).toContain("refused");
      expect(await page.isVisible("#dashboard")).toBe(false);
      expect(await page.evaluate(() => localStorage.getItem("deployer.token"))).toBeNull();

      await page.fill("#token", TOKEN);
      await page.click("button[type=submit]");
      await page.locator("#apps tbody tr", { hasText: sc.name }).waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => localStorage.getItem("deployer.token"))).toBe(TOKEN);
      expect(await page.inputValue("#token")).toBe("");
      expect(await page.content()).not.toContain(TOKEN);
      expect(await page.content()).not.toContain(SECRET);

      // A reload signs in from localStorage, without asking again.
      await page.reload();
      await page.locator("#apps tbody tr", { hasText: sc.name }).waitFor({ timeout: 60_000 });
      expect(await page.isVisible("#login")).toBe(false);

      await page.click("#signout");
      expect(await page.isVisible("#login")).toBe(true);
      expect(await page.evaluate(() => localStorage.getItem("deployer.token"))).toBeNull();
      await page.reload();
      expect(await page.isVisible("#login")).toBe(true);
      expect(await page.isVisible("#dashboard")).toBe(false);
    } finally {
      await page.close();
    }
  });

  it("clicks Deploy: the branch head is deployed, its log followed live, and the app serves it", async () => {
    const { sc } = await appWithGoodDeploys("uideploy", ["u1"]);
    // A commit on origin that no webhook announced: Deploy takes the branch head.
    const head = sc.app.push({ "web/version.txt": "u2\n" });
    const page = await openSignedIn(sc);
    try {
      page.on("dialog", (d) => void d.accept()); // Deploy asks first
      const row = page.locator("#apps tbody tr", { hasText: sc.name });
      await row.getByRole("button", { name: "Deploy" }).click();
      await expect.poll(() => topRow(page).textContent(), poll).toContain("manual");
      expect(await topRow(page).textContent()).toContain(head.slice(0, 7));
      await topRow(page).click();
      await expect.poll(() => page.textContent("#log-status"), poll).toBe("succeeded");
      expect(await page.textContent("#log")).toContain("== sync");
      expect(await page.textContent("#steps")).toContain("build");
      expect(await sc.app.served()).toBe("u2");
      await expect.poll(() => row.textContent(), poll).toContain(head.slice(0, 7));
      expect(await page.textContent("#error")).toBe("");
    } finally {
      await page.close();
    }
  });

  it("clicks Roll back, confirms, and the previous commit is served again", async () => {
    const { sc, shas } = await appWithGoodDeploys("uirevert", ["u1", "u2"]);
    const page = await openSignedIn(sc);
    try {
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.accept();
      });
      const row = page.locator("#apps tbody tr", { hasText: sc.name });
      await row.getByRole("button", { name: "Roll back" }).click();
      // (The app's name, dt-uirevert-…, contains neither "rollback" nor "succeeded".)
      await expect.poll(() => topRow(page).textContent(), poll).toContain("rollback");
      expect(dialogs).toEqual([`Roll ${sc.name} back to its previous succeeded commit?`]);
      await expect.poll(() => topRow(page).textContent(), poll).toContain("succeeded");
      expect(await topRow(page).textContent()).toContain(shas[0]?.slice(0, 7));
      expect(await sc.app.served()).toBe("u1");
      expect(await page.textContent("#error")).toBe("");
    } finally {
      await page.close();
    }
  });

  it("queues nothing when the Roll back confirmation is dismissed", async () => {
    const { sc } = await appWithGoodDeploys("uidismiss", ["u1", "u2"]);
    const page = await openSignedIn(sc);
    try {
      let asked = false;
      page.on("dialog", (d) => {
        asked = true;
        void d.dismiss();
      });
      const before = (await sc.server.api("GET", `/api/deployments?app=${sc.name}`)).body.length;
      await page.locator("#apps tbody tr", { hasText: sc.name }).getByRole("button", { name: "Roll back" }).click();
      await expect.poll(() => asked, poll).toBe(true);
      // The click handler returns right after the dismissal; a refresh of the page shows the same list.
      await page.reload();
      await page.locator("#deployments tbody tr").first().waitFor({ timeout: 60_000 });
      expect((await sc.server.api("GET", `/api/deployments?app=${sc.name}`)).body.length).toBe(before);
      expect(await sc.app.served()).toBe("u2");
    } finally {
      await page.close();
    }
  });
});
