import { describe, expect, it } from "vitest";
import { Cancelled, CommandTimedOut } from "../../../src/errors.js";
import { Secrets } from "../../../src/helpers/secrets.js";
import { KILL_GRACE_MS, run, runArgv, withholdFromChildren } from "../../../src/runners/exec.js";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("run", () => {
  it("returns exit code and output, streaming lines to the log", async () => {
    const lines: string[] = [];
    const r = await run("sh", ["-c", "echo out; echo err >&2; exit 3"], {
      step: "t",
      timeoutMs: 10_000,
      log: { line: (l) => lines.push(l) },
    });
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe("out");
    expect(r.stderr).toBe("err");
    expect(lines[0]).toBe("$ sh -c echo out; echo err >&2; exit 3");
    expect(lines).toContain("  out");
    expect(lines.at(-1)).toMatch(/^ {2}exit 3 in /);
  });

  it("passes arguments as argv, never through a shell", async () => {
    const r = await run("echo", ["$(touch /tmp/never)", "; rm -rf /"], { step: "t", timeoutMs: 10_000 });
    expect(r.stdout).toBe("$(touch /tmp/never) ; rm -rf /");
  });

  it("kills the whole process group at the timeout", async () => {
    let pgid = 0;
    const t0 = Date.now();
    // The grandchild ignores nothing but would outlive a kill of its parent alone.
    const p = run("sh", ["-c", "sleep 60 & echo $! > /dev/null; sleep 60"], {
      step: "build",
      timeoutMs: 300,
      timeoutSeconds: 7,
      onProcessGroup: (g) => {
        if (g) pgid = g;
      },
    });
    await expect(p).rejects.toBeInstanceOf(CommandTimedOut);
    await expect(p).rejects.toThrow("timed out after 7 s in build");
    expect(Date.now() - t0).toBeLessThan(6000);
    // Orphans are reaped by init; give it a moment.
    for (let i = 0; i < 40 && alive(-pgid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(-pgid)).toBe(false);
  });

  it("escalates to SIGKILL when the group ignores SIGTERM", async () => {
    let pgid = 0;
    const t0 = Date.now();
    const p = run("sh", ["-c", "trap '' TERM; sleep 60 & wait"], {
      step: "build",
      timeoutMs: 200,
      onProcessGroup: (g) => {
        if (g) pgid = g;
      },
    });
    await expect(p).rejects.toBeInstanceOf(CommandTimedOut);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(KILL_GRACE_MS);
    for (let i = 0; i < 40 && alive(-pgid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(-pgid)).toBe(false);
  }, 20_000);

  it("stops on cancel", async () => {
    const ac = new AbortController();
    const p = run("sleep", ["30"], { step: "up", timeoutMs: 60_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(p).rejects.toBeInstanceOf(Cancelled);
  });

  it("never hands deployer's own credentials to a child", async () => {
    process.env.GITHUB_WEBHOOK_SECRET = "do-not-leak";
    process.env.DEPLOYER_API_TOKEN = "do-not-leak-either";
    try {
      const r = await run("env", [], { step: "t", timeoutMs: 10_000, env: { EXTRA: "1" } });
      expect(r.stdout).not.toContain("do-not-leak");
      expect(r.stdout).toContain("EXTRA=1");
    } finally {
      delete process.env.GITHUB_WEBHOOK_SECRET;
      delete process.env.DEPLOYER_API_TOKEN;
    }
  });

  it("withholds any variable whose value is a registered secret", async () => {
    withholdFromChildren(new Secrets(["registered-secret-value"]));
    process.env.SOME_COPY = "registered-secret-value";
    try {
      const r = await run("env", [], {
        step: "t",
        timeoutMs: 10_000,
        env: { ALSO_COPY: "registered-secret-value", NOT_A_SECRET: "registered-secret-value-but-longer" },
      });
      const names = r.stdout.split("\n").map((l) => l.split("=")[0]);
      expect(names).not.toContain("SOME_COPY");
      expect(names).not.toContain("ALSO_COPY");
      // Only exact values are withheld: everything else reaches the child.
      expect(r.stdout.split("\n")).toContain("NOT_A_SECRET=registered-secret-value-but-longer");
      expect(r.stdout.split("\n")).not.toContain("SOME_COPY=registered-secret-value");
    } finally {
      delete process.env.SOME_COPY;
    }
  });

  it("runs an argv array as program and arguments", async () => {
    const r = await runArgv(["echo", "a", "b c"], { step: "t", timeoutMs: 10_000 });
    expect(r.stdout).toBe("a b c");
  });
});
