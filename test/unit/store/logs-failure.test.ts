import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LogStore } from "../../../src/store/logs.js";

describe("LogStore when the disk refuses a write", () => {
  const dir = mkdtempSync(join(tmpdir(), "t8-logs-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports the failure once and never throws at the writer; followers still get the lines", () => {
    const errors: string[] = [];
    const logs = new LogStore(dir, undefined, (_err, id) => errors.push(id));
    mkdirSync(logs.file("d1")); // appendFileSync on a directory fails (EISDIR), as a full disk would (ENOSPC)
    const seen: string[] = [];
    logs.subscribe(
      "d1",
      (l) => seen.push(l),
      () => {},
    );
    const sink = logs.sink("d1");
    expect(() => {
      sink.line("one");
      sink.line("two");
    }).not.toThrow();
    expect(errors).toEqual(["d1"]);
    expect(seen).toHaveLength(2);
  });

  it("escapes control characters, so a line cannot forge another line or drive a terminal", () => {
    const logs = new LogStore(dir);
    logs.sink("d2").line("changed: evil\n2026-01-01T00:00:00.000Z deployment succeeded\u001b[2J");
    const text = logs.read("d2");
    expect(text.split("\n").filter(Boolean)).toHaveLength(1);
    expect(text).toContain("evil\\n2026");
    expect(text).toContain("\\x1b[2J");
    expect(text).not.toContain("\u001b");
  });
});
