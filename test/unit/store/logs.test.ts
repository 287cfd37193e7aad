import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Secrets } from "../../../src/helpers/secrets.js";
import { LogStore } from "../../../src/store/logs.js";

describe("LogStore", () => {
  const dir = mkdtempSync(join(tmpdir(), "deployer-logs-"));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("masks the webhook secret and API token in every line", () => {
    const logs = new LogStore(dir, new Secrets(["s3cr3t-value", "tok-123456", undefined]));
    logs.sink("d1").line("env: GITHUB_WEBHOOK_SECRET=s3cr3t-value token=tok-123456 ok");
    const text = logs.read("d1");
    expect(text).not.toContain("s3cr3t-value");
    expect(text).not.toContain("tok-123456");
    expect(text).toContain("GITHUB_WEBHOOK_SECRET=[redacted] token=[redacted] ok");
  });

  it("delivers lines to followers and tells them when the deployment ends", () => {
    const logs = new LogStore(dir);
    const seen: string[] = [];
    let ended = false;
    const off = logs.subscribe(
      "d2",
      (l) => seen.push(l),
      () => (ended = true),
    );
    logs.sink("d2").line("hello");
    logs.end("d2");
    off();
    logs.sink("d2").line("after unsubscribe");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/ hello\n$/);
    expect(ended).toBe(true);
  });
});
