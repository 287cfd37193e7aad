import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { composeTarget } from "../../../src/config/app-compose.js";
import type { AppConfig } from "../../../src/config/types.js";
import { checkCheckoutFile, readCheckoutFile } from "../../../src/helpers/checkout-file.js";
import { escapeControl } from "../../../src/helpers/escape.js";
import { describeBuild } from "../../../src/pipeline/plan-input.js";

const root = mkdtempSync(join(tmpdir(), "t8-checkout-"));
const outside = mkdtempSync(join(tmpdir(), "t8-outside-"));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});
writeFileSync(join(outside, "secret.txt"), "DEBUG=true\n");
writeFileSync(join(root, "ok.txt"), "hello");
mkdirSync(join(root, "web"));
writeFileSync(join(root, "web", "real-ignore"), "notes.md\n");
symlinkSync("real-ignore", join(root, "web", "inside-link"));

describe("readCheckoutFile", () => {
  it("reads a regular file and a symlink that stays inside the checkout", () => {
    expect(readCheckoutFile(root, "ok.txt")?.toString()).toBe("hello");
    expect(readCheckoutFile(root, "web/inside-link")?.toString()).toBe("notes.md\n");
    expect(readCheckoutFile(root, "absent")).toBeUndefined();
  });

  it.each([
    ["/dev/zero", /not a regular file|leaving the checkout/],
    ["/etc/passwd", /symlink leaving the checkout/],
  ])("refuses a symlink to %s", (target, message) => {
    const name = `link-${target.replaceAll("/", "_")}`;
    symlinkSync(target, join(root, name));
    expect(() => readCheckoutFile(root, name)).toThrow(message);
  });

  it("refuses a dangling symlink, a directory, a path out of the checkout and a file over the cap", () => {
    symlinkSync("nowhere", join(root, "dangling"));
    expect(() => readCheckoutFile(root, "dangling")).toThrow(/symlink to nothing/);
    expect(() => readCheckoutFile(root, "web")).toThrow(/not a regular file/);
    expect(() => readCheckoutFile(root, "../x")).toThrow(/outside the checkout/);
    writeFileSync(join(root, "big"), Buffer.alloc(2048));
    expect(() => readCheckoutFile(root, "big", 1024)).toThrow(/2048 bytes, over deployer's limit of 1024/);
    expect(() => checkCheckoutFile(root, "big", 4096)).not.toThrow();
  });

  it("a symlinked .dockerignore and .env make the deploy fail with a clear message instead of hanging", () => {
    const app = join(root, "app");
    mkdirSync(join(app, "web"), { recursive: true });
    symlinkSync("/dev/zero", join(app, "web", ".dockerignore"));
    symlinkSync(join(outside, "secret.txt"), join(app, ".env"));
    expect(() =>
      describeBuild(app, { name: "web", image: "x", build: { context: "web", dockerfile: "Dockerfile" } }),
    ).toThrow(/web\/\.dockerignore in .* (is not a regular file|is a symlink leaving the checkout)/);
    const cfg = { name: "app", path: app, rebuildOn: [] } as unknown as AppConfig;
    expect(() => composeTarget(cfg)).toThrow(/\.env in .* is a symlink leaving the checkout/);
  });
});

describe("escapeControl", () => {
  it("escapes newlines, escape sequences and other controls, keeps tabs and text", () => {
    expect(escapeControl("a\tb\nc\r\u001b[31mred\u0007\u009b")).toBe("a\tb\\nc\\r\\x1b[31mred\\x07\\x9b");
    expect(escapeControl("ünïcode ok")).toBe("ünïcode ok");
  });
});
